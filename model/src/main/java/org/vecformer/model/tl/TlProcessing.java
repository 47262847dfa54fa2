package org.vecformer.model.tl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.circuits.LayerNormFold;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.ParamName;
import org.vecformer.model.transformer.ParamName.Param;
import org.vecformer.model.transformer.Weights;

/**
 * The weight processing TransformerLens' {@code HookedTransformer.from_pretrained} applies by default, in its
 * order (row vectors, {@code x @ W}; means in double, results rounded to float):
 * <ol>
 *   <li>{@code fold_ln} ("LN" only): {@link LayerNormFold#fold} (W_Q' = diag(w₁) W_Q, b_Q' = b_Q + b₁ W_Q, same for
 *   K, V and for W_U, b_U with ln_final), the model becomes "LNPre"; then every matrix that reads a layer norm's
 *   output is centred over d_model: {@code W_Q'[h, :, e] -= mean_i W_Q'[h, i, e]} (K, V alike) and
 *   {@code W_U'[:, v] -= mean_i W_U'[i, v]} (the normalized input has zero mean, so this changes nothing);</li>
 *   <li>{@code center_writing_weights} ("LN"/"LNPre"): what writes to the residual stream has zero mean over d_model,
 *   {@code W_E[t, :]}, {@code W_pos[p, :]}, {@code W_O[h, e, :]} and {@code b_O} each minus its mean (the next layer
 *   norm removes the mean anyway);</li>
 *   <li>{@code center_unembed}: {@code W_U[i, :]} and {@code b_U} minus their mean over the vocabulary (every logit of a
 *   position moves by the same amount: log-probs unchanged, logits not);</li>
 *   <li>{@code fold_value_biases}: {@code b_O += Σ_h b_V[h] W_O[h]}, {@code b_V = 0} (a pattern row sums to 1, so
 *   each head adds b_V[h] W_O[h] whatever it attends to); after centring, b_O is centred again.</li>
 * </ol>
 * For shortformer models TransformerLens turns off the first three (W_pos joins Q and K after ln1's weights and
 * without passing a layer norm) and only folds the value biases; models without normalization are not centred
 * (steps 1 and 2 need the layer norm), and an "LNPre" model has nothing to fold. The processed model computes the
 * same log-probs.
 */
public final class TlProcessing {
    private TlProcessing() {}

    /**
     * Processed weights and the TransformerLens names of the steps applied, in order.
     *
     * @param skipped the default steps not applied, each with the reason
     */
    public record Result(Weights weights, List<String> applied, List<String> skipped) {
        public Result {
            applied = List.copyOf(applied);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Applies TransformerLens' default processing in place: {@code w}'s tensors are overwritten and shared by the
     * result, so {@code w} must not be used afterwards (pass a {@link Weights#copy()} to keep it). In place because
     * an imported model may be hundreds of megabytes: processing then needs no second copy of it.
     */
    public static Result process(Weights w) {
        Config c = w.config();
        List<String> applied = new ArrayList<>(), skipped = new ArrayList<>();
        boolean shortformer = !c.positionalEmbedding().addsToResidual();
        boolean fold = !shortformer && c.normalization() == Normalization.LN;
        Weights out = fold ? LayerNormFold.foldInPlace(w) : w;
        if (shortformer) {
            skipped.add("fold_ln, center_writing_weights, center_unembed: not for shortformer positions (as TransformerLens)");
        }
        if (fold) {
            Map<String, Tensor> d = mutable(out);
            for (int l = 0; l < c.nLayers(); l++) {
                for (Param m : new Param[] {Param.W_Q, Param.W_K, Param.W_V}) centerReadingHeads(d.get(ParamName.of(m, l).tl()));
            }
            centerColumns(d.get(ParamName.of(Param.W_U).tl()));
            out = Weights.fromStateDict(out.config(), d);
            applied.add("fold_ln");
        } else if (!shortformer) {
            skipped.add("fold_ln: normalization " + label(c.normalization()) + " has no layer-norm weights");
        }
        boolean centred = !shortformer && out.config().normalization().normalizes();
        Map<String, Tensor> d = mutable(out);
        if (centred) {
            centerRows(d.get(ParamName.of(Param.W_E).tl()));
            centerRows(d.get(ParamName.of(Param.W_POS).tl()));
            for (int l = 0; l < c.nLayers(); l++) {
                centerRows(d.get(ParamName.of(Param.W_O, l).tl()));
                centerRows(d.get(ParamName.of(Param.B_O, l).tl()));
            }
            applied.add("center_writing_weights");
        } else if (!shortformer) {
            skipped.add("center_writing_weights: needs a layer norm to read the residual stream");
        }
        if (!shortformer) {
            centerRows(d.get(ParamName.of(Param.W_U).tl()));
            centerRows(d.get(ParamName.of(Param.B_U).tl()));
            applied.add("center_unembed");
        }
        if (out.config().biases()) {
            for (int l = 0; l < c.nLayers(); l++) {
                Tensor bO = d.get(ParamName.of(Param.B_O, l).tl());
                foldValueBias(d.get(ParamName.of(Param.B_V, l).tl()), d.get(ParamName.of(Param.W_O, l).tl()), bO);
                if (centred) centerRows(bO);
            }
            applied.add("fold_value_biases");
        } else {
            skipped.add("fold_value_biases: the model has no biases");
        }
        return new Result(Weights.fromStateDict(out.config(), d), applied, skipped);
    }

    private static String label(Normalization n) {
        return n == Normalization.NONE ? "none" : n.tlName();
    }

    /** The state dict of {@code w} as a mutable map of its own tensors (the caller owns {@code w}). */
    private static Map<String, Tensor> mutable(Weights w) {
        return new LinkedHashMap<>(w.stateDict());
    }

    /** In place: every row (last axis) of a contiguous {@code t} minus its mean; a vector is one row; null is left alone. */
    static void centerRows(Tensor t) {
        if (t == null) return;
        int n = t.dim(t.rank() - 1), rows = t.size() / n, o = t.offset();
        float[] a = t.data();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < n; j++) sum += a[o + r * n + j];
            float mean = (float) (sum / n);
            for (int j = 0; j < n; j++) a[o + r * n + j] -= mean;
        }
    }

    /** In place: every column of a contiguous matrix [rows, cols] minus its mean over the rows. */
    static void centerColumns(Tensor t) {
        int rows = t.dim(0), cols = t.dim(1), o = t.offset();
        float[] a = t.data();
        double[] sum = new double[cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) sum[j] += a[o + i * cols + j];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a[o + i * cols + j] -= (float) (sum[j] / rows);
    }

    /** In place: each head's [d_model, d_head] matrix of {@code w} [n_heads, d_model, d_head] centred over d_model. */
    private static void centerReadingHeads(Tensor w) {
        for (int h = 0; h < w.dim(0); h++) centerColumns(w.slice(h));
    }

    /** In place: {@code b_O += Σ_h Σ_e b_V[h, e] W_O[h, e, :]} in double, then {@code b_V = 0}. */
    private static void foldValueBias(Tensor bV, Tensor wO, Tensor bO) {
        int heads = wO.dim(0), dHead = wO.dim(1), dModel = wO.dim(2);
        float[] v = bV.data(), o = wO.data(), b = bO.data();
        double[] sum = new double[dModel];
        for (int j = 0; j < dModel; j++) sum[j] = b[j];
        for (int he = 0; he < heads * dHead; he++) {
            double coef = v[he];
            for (int j = 0; j < dModel; j++) sum[j] += coef * o[he * dModel + j];
        }
        for (int j = 0; j < dModel; j++) b[j] = (float) sum[j];
        Arrays.fill(v, 0f);
    }
}
