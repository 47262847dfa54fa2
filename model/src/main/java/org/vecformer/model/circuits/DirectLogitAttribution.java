package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.HookName.Hook;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.Run;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * Direct logit attribution (TransformerLens {@code cache.decompose_resid} + {@code apply_ln_to_stack} with the
 * final layer norm's scale frozen): the residual stream before {@code ln_final} is a sum of components c —
 * {@code hook_embed}, {@code hook_pos_embed} (standard positions only), every head's {@code hook_result} and every
 * layer's b_O — and with the scale s of {@code ln_final.hook_scale} held fixed the logit of a target token
 * {@code y = targets[t]} at position t (by default the actual next token {@code tokens[t+1]}) splits exactly as
 * <pre>
 *   logit[t][y] = Σ_c  ((c − mean(c)) / s) · (w_f ∘ W_U[:, y])   +   b_f · W_U[:, y] + b_U[y]
 * </pre>
 * (LNPre: w_f = 1, b_f = 0; no normalization: no centring and s = 1).
 *
 * @param tokens the prompt, T ≥ 1 tokens
 * @param targets [P], P ≤ T: the token whose logit is attributed at each position 0..P−1
 * @param components the names of the components, in residual-stream order ("embed", "pos_embed", "L0H0", …, "L0 b_O", …)
 * @param contributions [P][components]: each component's share of logit[t][targets[t]]
 * @param constant [P]: the bias term b_f · W_U[:, y] + b_U[y]
 * @param logits [P]: the model's own logit[t][targets[t]], which the contributions and the constant sum to
 */
public record DirectLogitAttribution(int[] tokens, int[] targets, List<String> components, double[][] contributions,
                                     double[] constant, double[] logits) {

    /** Attributes the logit of each actual next token of {@code tokens} (T ≥ 2) to the residual stream's components. */
    public static DirectLogitAttribution of(Transformer model, int[] tokens) {
        if (tokens.length < 2) throw new IllegalArgumentException("direct logit attribution needs at least 2 tokens");
        return of(model, tokens, Arrays.copyOfRange(tokens, 1, tokens.length));
    }

    /**
     * Attributes the logit of {@code targets[t]} at each position t &lt; targets.length ≤ tokens.length to the
     * residual stream's components.
     */
    public static DirectLogitAttribution of(Transformer model, int[] tokens, int[] targets) {
        if (tokens.length < 1 || targets.length > tokens.length) {
            throw new IllegalArgumentException("need at least 1 token and at most one target per token, not " + tokens.length + " tokens and " + targets.length + " targets");
        }
        Config c = model.config();
        for (int y : targets) {
            if (y < 0 || y >= c.dVocab()) throw new IllegalArgumentException("target " + y + " outside the vocabulary [0, " + c.dVocab() + ")");
        }
        Weights w = model.weights();
        int layers = c.nLayers(), heads = c.nHeads(), dm = c.dModel(), vocab = c.dVocab(), t = tokens.length;
        Run run = model.run(new int[][] {tokens}, Hooks.caching(name -> Hook.EMBED.matches(name) || Hook.POS_EMBED.matches(name)
                || Hook.RESULT.matches(name) || Hook.LN_FINAL_SCALE.matches(name)));
        List<String> names = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>(); // each [T, d_model] flat, or a single row [d_model] for b_O
        names.add("embed");
        vectors.add(run.get(HookName.of(Hook.EMBED)).data());
        if (c.positionalEmbedding().addsToResidual()) {
            names.add("pos_embed");
            vectors.add(run.get(HookName.of(Hook.POS_EMBED)).data());
        }
        for (int l = 0; l < layers; l++) {
            float[] result = run.get(HookName.of(Hook.RESULT, l)).data(); // [1, T, H, d_model]
            for (int h = 0; h < heads; h++) {
                float[] head = new float[t * dm];
                for (int p = 0; p < t; p++) System.arraycopy(result, (p * heads + h) * dm, head, p * dm, dm);
                names.add("L" + l + "H" + h);
                vectors.add(head);
            }
            Tensor bO = w.blocks().get(l).bO();
            if (bO != null) {
                float[] rows = new float[t * dm];
                for (int p = 0; p < t; p++) System.arraycopy(bO.data(), 0, rows, p * dm, dm);
                names.add("L" + l + " b_O");
                vectors.add(rows);
            }
        }
        Normalization norm = c.normalization();
        float[] scale = norm.normalizes() ? run.get(HookName.of(Hook.LN_FINAL_SCALE)).data() : null; // [1, T, 1]
        float[] wU = w.wU().data();
        float[] lnW = w.lnFinalW() == null ? null : w.lnFinalW().data(), lnB = w.lnFinalB() == null ? null : w.lnFinalB().data();
        int positions = targets.length;
        double[][] contributions = new double[positions][names.size()];
        double[] constant = new double[positions], logits = new double[positions];
        float[] modelLogits = run.logits().data();
        double[] u = new double[dm];
        for (int p = 0; p < positions; p++) {
            int y = targets[p];
            double bias = w.bU() == null ? 0 : w.bU().data()[y];
            for (int i = 0; i < dm; i++) {
                u[i] = (lnW == null ? 1 : lnW[i]) * wU[i * vocab + y];
                if (lnB != null) bias += (double) lnB[i] * wU[i * vocab + y];
            }
            constant[p] = bias;
            double s = scale == null ? 1 : scale[p];
            for (int k = 0; k < names.size(); k++) {
                float[] v = vectors.get(k);
                double mean = 0;
                if (norm.normalizes()) {
                    for (int i = 0; i < dm; i++) mean += v[p * dm + i];
                    mean /= dm;
                }
                double dot = 0;
                for (int i = 0; i < dm; i++) dot += (v[p * dm + i] - mean) * u[i];
                contributions[p][k] = dot / s;
            }
            logits[p] = modelLogits[p * vocab + y];
        }
        return new DirectLogitAttribution(tokens.clone(), targets.clone(), List.copyOf(names), contributions, constant, logits);
    }

    /** Σ_c contributions[t][c] + constant[t], which equals logits[t] up to float rounding. */
    public double total(int t) {
        double s = constant[t];
        for (double v : contributions[t]) s += v;
        return s;
    }
}
