package org.vecformer.model.transformer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.vecformer.engine.kernel.CrossEntropy;
import org.vecformer.engine.kernel.LayerNormBackward;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.tensor.Tensor;

/**
 * The hand-written backward pass of the attention-only transformer (llm.c style: each piece of the {@link Architecture}
 * has the backward of its forward, shapes in comments, no autograd tape). A training step runs
 * {@link Forward#training} to keep the {@link Activations}, the fused cross-entropy, then the pieces in reverse:
 * <pre>
 *   dlogits   = scale·(softmax(logits) − onehot(target))                  [rows, d_vocab]
 *   unembed   dW_U += xᵀ·dlogits,  db_U += Σ_rows dlogits,  dx = dlogits·W_Uᵀ
 *   ln_final  dresid = LN backward(dx)                                  (identity without normalization)
 *   block l   each sublayer, last first: dresid += its backward(dresid)   (the residual carries dresid through;
 *             attention: dW_O, the pattern, dW_Q|K|V, ln1; see {@link AttentionSublayer#backward})
 *   embed     dW_E[tok] += dresid,  dW_pos[pos] += dresid               (shortformer: dW_pos from the Q|K input only)
 * </pre>
 * Every gradient is ADDED into the caller's map (names and shapes of {@link Weights#stateDict()}), so micro-batches
 * accumulate; zero it once per step. {@link #activationGradients} walks the same pieces for the gradients of any
 * objective with respect to activations (attribution patching), reported to a {@link GradientListener}. All kernels split their outputs across threads, so the gradients have the
 * same bits for any thread count.
 */
public final class Backward {
    final Config c;
    final Weights w;
    final Forward forward;
    final Activations activations;
    /** Where the backward takes its gradient buffers: the forward's workspace. */
    final Workspace buffers;
    private final Map<String, Tensor> grads;
    /** Per block, where dW_Q|K|V goes in the fused layout instead of being added into grads; null: added into grads. */
    private final float[][] fusedQkvGrads;
    /**
     * beta of the GEMMs that form a weight's whole gradient (dW_O, dW_U): 1 adds into grads; 0 writes over them, for a
     * caller whose gradients are zero on entry, with the same bits (an accumulator is never -0, so acc + 0 = acc) and
     * without reading them back: tiles of C that add into C go through the micro-kernel's slower update path.
     */
    private final float weightGradBeta;
    final int batch, t, rows;
    /** Parameters whose gradients {@link #activationGradients} does not form. */
    private static final Set<String> VOCAB_SIZED = Set.of(ParamName.of(ParamName.Param.W_E).tl(), ParamName.of(ParamName.Param.W_U).tl(),
            ParamName.of(ParamName.Param.B_U).tl());
    /** Told the gradients of activations as they are formed; null in training. */
    private GradientListener listener;

    private Backward(Forward forward, Activations a, Map<String, Tensor> grads, float[][] fusedQkvGrads, boolean gradsZero,
                     int batch, int t, Workspace buffers) {
        this.weightGradBeta = gradsZero ? 0f : 1f;
        this.c = forward.config();
        this.w = forward.weights();
        this.forward = forward;
        this.activations = a;
        this.buffers = buffers;
        this.grads = grads;
        this.fusedQkvGrads = fusedQkvGrads;
        this.batch = batch;
        this.t = t;
        this.rows = batch * t;
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
        return lossAndGradients(new Forward(w), inputs, targets, batch, t, gradScale, grads, null, false, Workspace.FRESH);
    }

    /**
     * {@link #lossAndGradients(Weights, int[], int[], int, int, float, Map)} with the weights already packed in
     * {@code forward} (shapes checked by the caller), and, when {@code fusedQkvGrads} is not null, block l's dW_Q|K|V
     * not added into {@code grads} but written over {@code fusedQkvGrads[l]} [d_model, 3·n_heads·d_head] in the
     * {@link PackedBlock} layout, as the GEMM forms it: a caller summing many such gradients ({@link ShardedBackward})
     * then rearranges one sum instead of each of them. With {@code gradsZero} the caller's gradients are all zero on
     * entry (the result is the same as adding). Activations and their gradients are taken from {@code buffers}.
     */
    static double lossAndGradients(Forward forward, int[] inputs, int[] targets, int batch, int t, float gradScale,
                                   Map<String, Tensor> grads, float[][] fusedQkvGrads, boolean gradsZero, Workspace buffers) {
        Config c = forward.config();
        Activations a = new Activations(c.nLayers());
        float[] logits = forward.training(inputs, batch, t, a, buffers);
        int rows = batch * t;
        // dlogits over the logits, which nothing reads after the loss (CrossEntropy allows it, with the same bits)
        float[] loss = buffers.floats(rows), dLogits = logits;
        CrossEntropy.forwardBackward(logits, 0, c.dVocab(), rows, c.dVocab(), targets, gradScale, loss, dLogits, 0, c.dVocab());
        Backward b = new Backward(forward, a, grads, fusedQkvGrads, gradsZero, batch, t, buffers);
        Architecture arch = forward.architecture();
        float[] dResid = arch.unembedding().backward(b, a, dLogits);
        b.blocks(dResid);
        arch.embedding().backward(b, inputs, dResid);
        arch.positional().residualBackward(b, dResid);
        return sum(loss);
    }

    /** Blocks L-1..0: dResid [rows, d_model] is ∂/∂resid_post of the last block on entry and ∂/∂resid_pre of block 0 on exit. */
    private void blocks(float[] dResid) {
        List<BlockSublayer> block = forward.architecture().block();
        for (int l = c.nLayers() - 1; l >= 0; l--) {
            report(HookName.of(HookName.Hook.RESID_POST, l), dResid, 0, c.dModel(), c.dModel(), batch, t, c.dModel());
            for (int s = block.size() - 1; s >= 0; s--) block.get(s).backward(this, l, dResid);
            report(HookName.of(HookName.Hook.RESID_PRE, l), dResid, 0, c.dModel(), c.dModel(), batch, t, c.dModel());
        }
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
        Tensor logits = Tensor.of(forward.training(tokens, batch, t, a, Hooks.caching(cache), cached, last, Workspace.FRESH),
                batch, last ? 1 : t, c.dVocab());
        Tensor dLogits = dObjective.apply(logits.copy());
        if (!Arrays.equals(dLogits.shape(), logits.shape())) {
            throw new IllegalArgumentException("∂objective/∂logits must be " + Arrays.toString(logits.shape()) + ", not "
                    + Arrays.toString(dLogits.shape()));
        }
        Map<String, Tensor> scratch = new LinkedHashMap<>();
        w.stateDict().forEach((name, p) -> {
            if (!VOCAB_SIZED.contains(name)) scratch.put(name, Tensor.zeros(p.shape()));
        });
        Backward b = new Backward(forward, a, scratch, null, true, batch, t, Workspace.FRESH);
        b.listener = listener;
        b.blocks(forward.architecture().unembedding().inputBackward(b, a, dLogits.copy().data(), last));
        return new Run(logits, cached);
    }

    /** Tells the listener (if any) {@code data} [rows, width] as the gradient of {@code name}, shaped {@code shape}. */
    void report(HookName name, float[] data, int from, int width, int ld, int... shape) {
        if (listener == null) return;
        float[] g = new float[rows * width];
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * ld + from, g, r * width, width);
        listener.accept(name.tl(), Tensor.of(g, shape));
    }

    /** The summed next-token loss of the batch without gradients: {@code Σ_rows −log softmax(logits)[target]}. */
    public static double loss(Weights w, int[] inputs, int[] targets, int batch, int t) {
        checkShapes(w, inputs, targets, batch, t);
        return loss(new Forward(w), inputs, targets, batch, t, Workspace.FRESH);
    }

    /**
     * {@link #loss(Weights, int[], int[], int, int)} with the weights already packed in {@code forward}, buffers from
     * {@code buffers}; shapes checked by the caller.
     */
    static double loss(Forward forward, int[] inputs, int[] targets, int batch, int t, Workspace buffers) {
        Config c = forward.config();
        float[] logits = forward.training(inputs, batch, t, new Activations(c.nLayers()), buffers);
        float[] loss = buffers.floats(batch * t);
        CrossEntropy.forwardBackward(logits, 0, c.dVocab(), batch * t, c.dVocab(), targets, 1f, loss, null, 0, 0);
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

    /** The gradient buffer of parameter {@code name} (null when the map has none, e.g. an absent bias). */
    float[] grad(ParamName name) {
        Tensor g = grads.get(name.tl());
        return g == null ? null : g.data();
    }

    /** beta for the GEMM forming a weight's whole gradient: 0 when the gradients are zero on entry, else 1 (add). */
    float weightGradBeta() {
        return weightGradBeta;
    }

    /** Where block l's fused dW_Q|K|V is written, or null when it is added into the Q, K and V gradients. */
    float[] fusedQkvGrad(int l) {
        return fusedQkvGrads == null ? null : fusedQkvGrads[l];
    }

    /**
     * Layer norm backward of rows x [rows, d_model] with scale [rows]: dIn += ∂/∂x, and with "LN" dw, db += into the
     * gradients of {@code wName}, {@code bName} (db into scratch without biases); dIn += dOut without normalization.
     */
    void norm(float[] x, float[] scale, Tensor weight, float[] dOut, float[] dIn, ParamName wName, ParamName bName) {
        int dm = c.dModel();
        if (!c.normalization().normalizes()) {
            VectorOps.add(rows * dm, dIn, 0, dOut, 0, dIn, 0);
            return;
        }
        float[] dw = weight == null ? null : grad(wName);
        float[] db = weight == null ? null : c.biases() ? grad(bName) : buffers.zeros(dm);
        LayerNormBackward.backward(x, 0, dm, rows, dm, scale, weight == null ? null : weight.data(), dOut, 0, dm, dIn, 0, dm, dw, db);
    }
}
