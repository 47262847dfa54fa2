package org.vecformer.model.transformer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.vecformer.engine.kernel.AttentionBackward;
import org.vecformer.engine.kernel.BiasBackward;
import org.vecformer.engine.kernel.CrossEntropy;
import org.vecformer.engine.kernel.EmbeddingBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.LayerNormBackward;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * The hand-written backward pass of the attention-only transformer (llm.c style: one backward function per
 * piece of {@link Forward}, shapes in comments, no autograd tape). A training step runs
 * {@link Forward#training} to keep the {@link Activations}, the fused cross-entropy, then the pieces in reverse:
 * <pre>
 *   dlogits   = scale·(softmax(logits) − onehot(target))                  [rows, d_vocab]
 *   unembed   dW_U += xᵀ·dlogits,  db_U += Σ_rows dlogits,  dx = dlogits·W_Uᵀ
 *   ln_final  dresid = LN backward(dx)                                  (identity without normalization)
 *   block l   dW_O += zᵀ·dresid, db_O += Σ_rows dresid, dz = dresid·W_Oᵀ
 *             dQ|dK|dV through the stored pattern (AttentionBackward)
 *             dW_Q|K|V += xᵀ·dQ|dK|dV, db_Q|K|V += Σ_rows,  dx = dqkv·wQkvᵀ    (shortformer: Q|K read x + W_pos)
 *             dresid += LN backward(dx)                                 (the residual carries dresid through)
 *   embed     dW_E[tok] += dresid,  dW_pos[pos] += dresid               (shortformer: dW_pos from the Q|K input only)
 * </pre>
 * Every gradient is ADDED into the caller's map (names and shapes of {@link Weights#stateDict()}), so micro-batches
 * accumulate; zero it once per step. {@link #activationGradients} walks the same pieces for the gradients of any
 * objective with respect to activations (attribution patching), reported to a {@link GradientListener}. All kernels split their outputs across threads, so the gradients have the
 * same bits for any thread count.
 */
public final class Backward {
    private final Config c;
    private final Weights w;
    private final Map<String, Tensor> grads;
    private final int batch, t, rows, dm, hd, ld3;
    /** Parameters whose gradients {@link #activationGradients} does not form. */
    private static final Set<String> VOCAB_SIZED = Set.of("embed.W_E", "unembed.W_U", "unembed.b_U");
    /** Told the gradients of activations as they are formed; null in training. */
    private GradientListener listener;

    private Backward(Weights w, Map<String, Tensor> grads, int batch, int t) {
        this.c = w.config();
        this.w = w;
        this.grads = grads;
        this.batch = batch;
        this.t = t;
        this.rows = batch * t;
        this.dm = c.dModel();
        this.hd = c.nHeads() * c.dHead();
        this.ld3 = 3 * hd;
    }

    /** Zero gradients named and shaped as the parameters of {@code w}, in state-dict order. */
    public static Map<String, Tensor> zeroGradients(Weights w) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        w.stateDict().forEach((name, p) -> g.put(name, Tensor.zeros(p.shape())));
        return g;
    }

    /**
     * Forward and backward over {@code batch} sequences of {@code t} tokens: {@code inputs} and {@code targets}
     * [batch·t]. Adds {@code gradScale · ∂(Σ_rows loss)/∂p} into {@code grads} for every parameter p and returns
     * the summed loss {@code Σ_rows −log softmax(logits)[target]} (in double, row order).
     */
    public static double lossAndGradients(Weights w, int[] inputs, int[] targets, int batch, int t, float gradScale,
                                          Map<String, Tensor> grads) {
        checkShapes(w, inputs, targets, batch, t);
        return lossAndGradients(new Forward(w), w, inputs, targets, batch, t, gradScale, grads);
    }

    /** {@link #lossAndGradients(Weights, int[], int[], int, int, float, Map)} with the weights already packed in {@code forward}; shapes checked by the caller. */
    static double lossAndGradients(Forward forward, Weights w, int[] inputs, int[] targets, int batch, int t, float gradScale,
                                   Map<String, Tensor> grads) {
        Config c = w.config();
        Activations a = new Activations(c.nLayers());
        float[] logits = forward.training(inputs, batch, t, a);
        int rows = batch * t;
        float[] loss = new float[rows], dLogits = new float[logits.length];
        CrossEntropy.forwardBackward(logits, rows, c.dVocab(), targets, gradScale, loss, dLogits);
        Backward b = new Backward(w, grads, batch, t);
        float[] dResid = b.finalNorm(a, b.unembed(a, dLogits));
        for (int l = c.nLayers() - 1; l >= 0; l--) b.block(l, forward.packed(l), a, dResid);
        b.embed(inputs, dResid);
        return sum(loss);
    }

    /**
     * Gradients of an objective with respect to the activations of one forward over {@code batch} whole sequences of
     * {@code t} tokens ({@code tokens} [batch·t]): runs the forward, asks {@code dObjective} for ∂objective/∂logits given
     * the logits, both [batch, t, d_vocab] for {@code LogitRows.ALL} or [batch, 1, d_vocab] of each sequence's last
     * position for {@code LogitRows.LAST} (an objective there, such as a patching metric, then skips the rest of the
     * unembedding), and walks the same backward as training, telling {@code listener} each activation's gradient (see
     * {@link GradientListener}). Parameter gradients of the blocks are formed on the way but not returned; the
     * embedding's and unembedding's are skipped (two vocabulary-sized buffers and GEMMs saved), and rows of
     * ∂objective/∂logits that are zero cost nothing. Returns the logits and the activations whose names pass {@code cache}.
     */
    public static Run activationGradients(Weights w, int[] tokens, int batch, int t, Predicate<String> cache,
                                         Transformer.LogitRows logitRows, UnaryOperator<Tensor> dObjective,
                                         GradientListener listener) {
        checkShapes(w, tokens, tokens, batch, t);
        Config c = w.config();
        Forward forward = new Forward(w);
        Activations a = new Activations(c.nLayers());
        Map<String, Tensor> cached = new LinkedHashMap<>();
        boolean last = logitRows == Transformer.LogitRows.LAST;
        Tensor logits = Tensor.of(forward.training(tokens, batch, t, a, Hooks.caching(cache), cached, last), batch, last ? 1 : t, c.dVocab());
        Tensor dLogits = dObjective.apply(logits.copy());
        if (!Arrays.equals(dLogits.shape(), logits.shape())) {
            throw new IllegalArgumentException("∂objective/∂logits must be " + Arrays.toString(logits.shape()) + ", not "
                    + Arrays.toString(dLogits.shape()));
        }
        Map<String, Tensor> scratch = new LinkedHashMap<>();
        w.stateDict().forEach((name, p) -> {
            if (!VOCAB_SIZED.contains(name)) scratch.put(name, Tensor.zeros(p.shape()));
        });
        Backward b = new Backward(w, scratch, batch, t);
        b.listener = listener;
        float[] dResid = b.finalNorm(a, b.unembedInput(dLogits.copy().data(), last));
        for (int l = c.nLayers() - 1; l >= 0; l--) b.block(l, forward.packed(l), a, dResid);
        return new Run(logits, cached);
    }

    /**
     * dx [rows, d_model] = dlogits·W_Uᵀ without the unembedding's parameter gradients, one row at a time and only for
     * rows where dlogits is not zero; dlogits is [rows, d_vocab], or [batch, d_vocab] of the last positions when
     * {@code lastOnly}. An objective on a few positions then costs a few d_vocab × d_model products instead of a
     * [rows, d_vocab] × [d_vocab, d_model] GEMM.
     */
    private float[] unembedInput(float[] dLogits, boolean lastOnly) {
        int v = c.dVocab();
        float[] dx = new float[rows * dm];
        for (int r = 0; r < dLogits.length / v; r++) {
            boolean zero = true;
            for (int j = r * v; j < (r + 1) * v && zero; j++) zero = dLogits[j] == 0f;
            int row = lastOnly ? (r + 1) * t - 1 : r;
            if (!zero) Gemm.sgemm(Transpose.N, Transpose.T, 1, dm, v, 1f, dLogits, r * v, v, w.wU().data(), 0, v, 0f, dx, row * dm, dm);
        }
        return dx;
    }

    /** Tells the listener (if any) {@code data} [rows, width] as the gradient of {@code name}, shaped {@code shape}. */
    private void report(String name, float[] data, int from, int width, int ld, int... shape) {
        if (listener == null) return;
        float[] g = new float[rows * width];
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * ld + from, g, r * width, width);
        listener.accept(name, Tensor.of(g, shape));
    }

    /** The summed next-token loss of the batch without gradients: {@code Σ_rows −log softmax(logits)[target]}. */
    public static double loss(Weights w, int[] inputs, int[] targets, int batch, int t) {
        checkShapes(w, inputs, targets, batch, t);
        return loss(new Forward(w), w, inputs, targets, batch, t);
    }

    /** {@link #loss(Weights, int[], int[], int, int)} with the weights already packed in {@code forward}; shapes checked by the caller. */
    static double loss(Forward forward, Weights w, int[] inputs, int[] targets, int batch, int t) {
        float[] logits = forward.training(inputs, batch, t, new Activations(w.config().nLayers()));
        float[] loss = new float[batch * t];
        CrossEntropy.forwardBackward(logits, batch * t, w.config().dVocab(), targets, 1f, loss, null);
        return sum(loss);
    }

    private static double sum(float[] loss) {
        double s = 0;
        for (float x : loss) s += x;
        return s;
    }

    static void checkShapes(Weights w, int[] inputs, int[] targets, int batch, int t) {
        if (batch < 1 || t < 1 || inputs.length != batch * t || targets.length != batch * t) {
            throw new IllegalArgumentException(inputs.length + " inputs and " + targets.length + " targets for " + batch + " × " + t);
        }
        if (t > w.config().nCtx()) throw new IllegalArgumentException("sequences of " + t + " tokens exceed n_ctx = " + w.config().nCtx());
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] < 0 || inputs[i] >= w.config().dVocab() || targets[i] < 0 || targets[i] >= w.config().dVocab()) {
                throw new IllegalArgumentException("token id at row " + i + " is outside the vocabulary [0, " + w.config().dVocab() + ")");
            }
        }
    }

    private float[] grad(String name) {
        Tensor g = grads.get(name);
        return g == null ? null : g.data();
    }

    /**
     * Unembedding: x = finalOut [rows, d_model], W_U [d_model, d_vocab], dlogits [rows, d_vocab].
     * dW_U += xᵀ·dlogits, db_U += Σ_rows dlogits; returns dx [rows, d_model] = dlogits·W_Uᵀ.
     */
    private float[] unembed(Activations a, float[] dLogits) {
        int v = c.dVocab();
        Gemm.sgemm(Transpose.T, Transpose.N, dm, v, rows, 1f, a.finalOut, 0, dm, dLogits, 0, v, 1f, grad("unembed.W_U"), 0, v);
        if (c.biases()) BiasBackward.backward(rows, v, dLogits, 0, v, grad("unembed.b_U"), 0);
        float[] dx = new float[rows * dm];
        Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, v, 1f, dLogits, 0, v, w.wU().data(), 0, v, 0f, dx, 0, dm);
        return dx;
    }

    /** ln_final: dresid [rows, d_model] from dx = ∂/∂finalOut (dx itself without normalization). */
    private float[] finalNorm(Activations a, float[] dx) {
        if (!c.normalization().normalizes()) return dx;
        float[] dResid = new float[rows * dm];
        norm(a.finalIn, a.finalScale, w.lnFinalW(), dx, dResid, "ln_final.");
        return dResid;
    }

    /** Layer norm backward of rows x [rows, d_model] with scale [rows]: dIn += ∂/∂x, dw, db += (LN only). */
    private void norm(float[] x, float[] scale, Tensor weight, float[] dOut, float[] dIn, String name) {
        if (!c.normalization().normalizes()) {
            VectorOps.add(rows * dm, dIn, 0, dOut, 0, dIn, 0);
            return;
        }
        float[] dw = weight == null ? null : grad(name + "w");
        float[] db = weight == null ? null : c.biases() ? grad(name + "b") : new float[dm];
        LayerNormBackward.backward(x, 0, rows, dm, scale, weight == null ? null : weight.data(), dOut, 0, dIn, 0, dw, db);
    }

    /** Block l backward: dResid [rows, d_model] is ∂/∂resid_post on entry and ∂/∂resid_pre on exit. */
    private void block(int l, PackedBlock pb, Activations a, float[] dResid) {
        String p = "blocks." + l + ".";
        int nh = c.nHeads(), dh = c.dHead();
        report(p + "hook_resid_post", dResid, 0, dm, dm, batch, t, dm);
        report(p + "hook_attn_out", dResid, 0, dm, dm, batch, t, dm);
        float[] dz = output(p, w.blocks().get(l).wO(), a.z[l], dResid);
        report(p + "attn.hook_z", dz, 0, hd, hd, batch, t, nh, dh);
        float[] dQkv = attention(a.qkv[l], a.pattern[l], dz);
        for (int s = 0; s < 3; s++) report(p + "attn.hook_" + "qkv".charAt(s), dQkv, s * hd, hd, ld3, batch, t, nh, dh);
        float[] dx = qkv(p, pb, a.lnOut[l], dQkv);
        norm(a.lnIn[l], a.lnScale[l], w.blocks().get(l).ln1W(), dx, dResid, p + "ln1.");
        report(p + "hook_resid_pre", dResid, 0, dm, dm, batch, t, dm);
    }

    /**
     * attn_out = z·W_O + b_O with z [rows, H·d_head], W_O [H·d_head, d_model]: dW_O += zᵀ·dout, db_O += Σ_rows dout;
     * returns dz [rows, H·d_head] = dout·W_Oᵀ.
     */
    private float[] output(String p, Tensor wO, float[] z, float[] dOut) {
        Gemm.sgemm(Transpose.T, Transpose.N, hd, dm, rows, 1f, z, 0, hd, dOut, 0, dm, 1f, grad(p + "attn.W_O"), 0, dm);
        if (c.biases()) BiasBackward.backward(rows, dm, dOut, 0, dm, grad(p + "attn.b_O"), 0);
        float[] dz = new float[rows * hd];
        Gemm.sgemm(Transpose.N, Transpose.T, rows, hd, dm, 1f, dOut, 0, dm, wO.data(), 0, dm,
                0f, dz, 0, hd);
        return dz;
    }

    /** Causal attention of each sequence through its stored pattern [B, H, T, T]: dqkv [rows, 3·H·d_head]. */
    private float[] attention(float[] qkv, float[] pattern, float[] dz) {
        int nh = c.nHeads(), dh = c.dHead();
        float[] dQkv = new float[rows * ld3];
        for (int b = 0; b < batch; b++) {
            int base = b * t * ld3;
            AttentionBackward.causal(t, nh, dh, qkv, base, qkv, base + hd, qkv, base + 2 * hd, ld3,
                    pattern, b * nh * t * t, dz, b * t * hd, hd, dQkv, base, dQkv, base + hd, dQkv, base + 2 * hd, ld3);
        }
        return dQkv;
    }

    /**
     * qkv = in·wQkv + bQkv with in = x [rows, d_model] (shortformer: x + W_pos for the Q|K columns), wQkv
     * [d_model, 3·H·d_head]: dW_Q|K|V += inᵀ·dqkv (unpacked to [H, d_model, d_head]), db_Q|K|V += Σ_rows dqkv;
     * returns dx [rows, d_model] = dqkv·wQkvᵀ (shortformer: the Q|K part also goes to dW_pos).
     */
    private float[] qkv(String p, PackedBlock pb, float[] x, float[] dQkv) {
        float[] dW = new float[dm * ld3], dx = new float[rows * dm];
        if (c.biases()) {
            String[] names = {"attn.b_Q", "attn.b_K", "attn.b_V"};
            for (int s = 0; s < 3; s++) BiasBackward.backward(rows, hd, dQkv, s * hd, ld3, grad(p + names[s]), 0);
        }
        if (c.positionalEmbedding() == PositionalEmbedding.STANDARD) {
            Gemm.sgemm(Transpose.T, Transpose.N, dm, ld3, rows, 1f, x, 0, dm, dQkv, 0, ld3, 0f, dW, 0, ld3);
            Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, ld3, 1f, dQkv, 0, ld3, pb.wQkv(), 0, ld3, 0f, dx, 0, dm);
        } else {
            float[] qkIn = new float[rows * dm];
            for (int b = 0; b < batch; b++) VectorOps.add(t * dm, x, b * t * dm, w.wPos().data(), 0, qkIn, b * t * dm);
            Gemm.sgemm(Transpose.T, Transpose.N, dm, 2 * hd, rows, 1f, qkIn, 0, dm, dQkv, 0, ld3, 0f, dW, 0, ld3);
            Gemm.sgemm(Transpose.T, Transpose.N, dm, hd, rows, 1f, x, 0, dm, dQkv, 2 * hd, ld3, 0f, dW, 2 * hd, ld3);
            Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, 2 * hd, 1f, dQkv, 0, ld3, pb.wQkv(), 0, ld3, 0f, dx, 0, dm);
            EmbeddingBackward.addPeriodic(rows, dm, t, dx, 0, dm, grad("pos_embed.W_pos"), 0, dm);
            Gemm.sgemm(Transpose.N, Transpose.T, rows, dm, hd, 1f, dQkv, 2 * hd, ld3, pb.wQkv(), 2 * hd, ld3, 1f, dx, 0, dm);
        }
        unpack(p, dW);
        return dx;
    }

    /** Adds dW [d_model, 3·H·d_head] (the {@link PackedBlock} layout) into dW_Q, dW_K, dW_V [H, d_model, d_head]. */
    private void unpack(String p, float[] dW) {
        int nh = c.nHeads(), dh = c.dHead();
        String[] names = {"attn.W_Q", "attn.W_K", "attn.W_V"};
        for (int s = 0; s < 3; s++) {
            float[] g = grad(p + names[s]);
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < dm; i++) VectorOps.add(dh, g, (h * dm + i) * dh, dW, i * ld3 + s * hd + h * dh, g, (h * dm + i) * dh);
            }
        }
    }

    /** Embeddings: dW_E[tok] += dresid; standard positions also dW_pos[pos] += dresid. */
    private void embed(int[] tokens, float[] dResid) {
        EmbeddingBackward.scatterAdd(dm, tokens, dResid, 0, dm, grad("embed.W_E"), 0, dm, c.dVocab());
        if (c.positionalEmbedding() == PositionalEmbedding.STANDARD) EmbeddingBackward.addPeriodic(rows, dm, t, dResid, 0, dm, grad("pos_embed.W_pos"), 0, dm);
    }
}
