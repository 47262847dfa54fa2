package org.vecformer.model.circuits;

import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Block;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * The matrices circuit analysis reads, with the layer-norm weights folded in when the model has "LN"
 * (TransformerLens {@code fold_ln}, see {@link LayerNormFold}): per head {@code W_Q' = diag(w₁) W_Q},
 * likewise W_K and W_V, and {@code W_U' = diag(w_f) W_U}, {@code b_U' = b_U + b_f W_U}. The layer norms'
 * centring and 1/scale are not linear in the residual stream and are left out, as in TransformerLens.
 *
 * <p>Per-head matrices are small doubles ({@link Matrix}, [d_model, d_head] or [d_head, d_model]); the vocabulary
 * side (W_E [d_vocab, d_model], W_U' [d_model, d_vocab]) stays float and is multiplied with the engine's float32
 * {@link Gemm#sgemm} (sums over d_model; over d_vocab in chunks summed in double for {@link #unembedEmbed}) before widening to double.
 * A view may be restricted to a subset of token ids ({@link #restrict}): W_E keeps those rows and W_U' those
 * columns, so every vocab × vocab circuit shrinks with it.
 */
public final class CircuitWeights {
    private final Weights weights;
    private final boolean folded;
    private final int[] tokenIds; // the token id of each kept vocab row/column
    private final float[] wE;     // [tokens, d_model]
    private final float[] wU;     // [d_model, tokens], folded
    private final double[] bU;    // [tokens], folded
    private final Matrix unembedEmbed; // W_U' W_E over the whole vocabulary [d_model, d_model]

    private CircuitWeights(Weights weights, boolean folded, int[] tokenIds, float[] wE, float[] wU, double[] bU, Matrix unembedEmbed) {
        this.weights = weights;
        this.folded = folded;
        this.tokenIds = tokenIds;
        this.wE = wE;
        this.wU = wU;
        this.bU = bU;
        this.unembedEmbed = unembedEmbed;
    }

    /** The analysis matrices of a model over its whole vocabulary, layer norms folded when it has "LN". */
    public static CircuitWeights of(Weights weights) {
        Config c = weights.config();
        int dm = c.dModel(), vocab = c.dVocab();
        boolean fold = LayerNormFold.applies(c);
        float[] wU = weights.wU().data();
        double[] bU = new double[vocab];
        if (fold) {
            float[] out = new float[dm * vocab], bOut = new float[vocab];
            LayerNormFold.foldMatrix(wU, 0, dm, vocab, weights.lnFinalW().data(),
                    weights.lnFinalB() == null ? null : weights.lnFinalB().data(),
                    weights.bU() == null ? null : weights.bU().data(), 0, out, 0, bOut, 0);
            wU = out;
            for (int j = 0; j < vocab; j++) bU[j] = bOut[j];
        } else if (weights.bU() != null) {
            for (int j = 0; j < vocab; j++) bU[j] = weights.bU().data()[j];
        }
        int[] ids = new int[vocab];
        for (int i = 0; i < vocab; i++) ids[i] = i;
        float[] wEData = weights.wE().data();
        return new CircuitWeights(weights, fold, ids, wEData, wU, bU, unembedEmbed(wU, wEData, dm, vocab));
    }

    /** Vocabulary rows per float32 GEMM in {@link #unembedEmbed(float[], float[], int, int)}. */
    private static final int VOCAB_CHUNK = 512;

    /**
     * W_U' W_E = Σ_v W_U'[:, v] W_E[v, :] [d_model, d_model]: a float32 GEMM per chunk of {@link #VOCAB_CHUNK}
     * vocabulary rows (so the chunk of W_E stays in cache while every row of the result reads it), the chunks
     * summed in double in vocabulary order.
     */
    private static Matrix unembedEmbed(float[] wU, float[] wE, int dm, int vocab) {
        float[] part = new float[dm * dm];
        double[] sum = new double[dm * dm];
        for (int v0 = 0; v0 < vocab; v0 += VOCAB_CHUNK) {
            int kc = Math.min(VOCAB_CHUNK, vocab - v0);
            Gemm.sgemm(Transpose.N, Transpose.N, dm, dm, kc, 1f, wU, v0, vocab, wE, v0 * dm, dm, 0f, part, 0, dm);
            for (int i = 0; i < part.length; i++) sum[i] += part[i];
        }
        return Matrix.of(dm, dm, sum);
    }

    /** The same matrices with the vocabulary cut to {@code ids} (in that order): W_E rows and W_U', b_U' columns. */
    public CircuitWeights restrict(int[] ids) {
        int dm = config().dModel(), n = ids.length, full = tokenIds.length;
        float[] e = new float[n * dm], u = new float[dm * n];
        double[] b = new double[n];
        int[] kept = new int[n];
        for (int k = 0; k < n; k++) {
            int i = indexOf(ids[k]);
            kept[k] = tokenIds[i];
            System.arraycopy(wE, i * dm, e, k * dm, dm);
            for (int r = 0; r < dm; r++) u[r * n + k] = wU[r * full + i];
            b[k] = bU[i];
        }
        return new CircuitWeights(weights, folded, kept, e, u, b, unembedEmbed);
    }

    /**
     * The same matrices with row t of W_E scaled by {@code f[t]} (by token id; e.g. {@link TokenFrequency#weights}):
     * every circuit that reads tokens through W_E is scaled by f of those tokens, so QK[d][s] becomes
     * f(d)·f(s)·QK[d][s], OV[s][o] becomes f(s)·OV[s][o] and the direct path's row t f(t)·(W_E W_U')[t]. The copying
     * score's W_U' W_E stays the unweighted one.
     */
    public CircuitWeights weightEmbedding(double[] f) {
        if (f.length != config().dVocab()) throw new IllegalArgumentException(f.length + " token weights for d_vocab " + config().dVocab());
        int dm = config().dModel();
        float[] e = new float[wE.length];
        for (int k = 0; k < tokenIds.length; k++) {
            float w = (float) f[tokenIds[k]];
            for (int j = 0; j < dm; j++) e[k * dm + j] = wE[k * dm + j] * w;
        }
        return new CircuitWeights(weights, folded, tokenIds, e, wU, bU, unembedEmbed);
    }

    private int indexOf(int id) {
        if (tokenIds.length == config().dVocab() && id >= 0 && id < tokenIds.length && tokenIds[id] == id) return id;
        for (int i = 0; i < tokenIds.length; i++) if (tokenIds[i] == id) return i;
        throw new IllegalArgumentException("token " + id + " is not in this view's vocabulary");
    }

    public Config config() {
        return weights.config();
    }

    /** True when layer-norm weights were folded into the reading matrices. */
    public boolean folded() {
        return folded;
    }

    /** Number of vocabulary rows/columns in this view. */
    public int vocabSize() {
        return tokenIds.length;
    }

    /** The token id of vocabulary index i of this view. */
    public int tokenId(int i) {
        return tokenIds[i];
    }

    /** W_Q'^h = diag(w₁) W_Q^h [d_model, d_head] of layer l. */
    public Matrix wQ(int l, int h) {
        return reading(l, h, weights.blocks().get(l).wQ(), true);
    }

    /** W_K'^h = diag(w₁) W_K^h [d_model, d_head]. */
    public Matrix wK(int l, int h) {
        return reading(l, h, weights.blocks().get(l).wK(), true);
    }

    /** W_V'^h = diag(w₁) W_V^h [d_model, d_head]. */
    public Matrix wV(int l, int h) {
        return reading(l, h, weights.blocks().get(l).wV(), true);
    }

    /**
     * The query / key matrix W_pos meets: folded as {@link #wQ} for standard positions, the unfolded W_Q^h for
     * shortformer (there W_pos is added after ln1's weights).
     */
    public Matrix wQForPositions(int l, int h) {
        return reading(l, h, weights.blocks().get(l).wQ(), config().positionalEmbedding().addsToResidual());
    }

    /** See {@link #wQForPositions}. */
    public Matrix wKForPositions(int l, int h) {
        return reading(l, h, weights.blocks().get(l).wK(), config().positionalEmbedding().addsToResidual());
    }

    /** W_O^h [d_head, d_model] (writes to the residual stream; nothing to fold). */
    public Matrix wO(int l, int h) {
        Config c = config();
        return Matrix.fromFloats(weights.blocks().get(l).wO().data(), h * c.dHead() * c.dModel(), c.dHead(), c.dModel(), c.dModel());
    }

    /** W_pos [n_ctx, d_model]. */
    public Matrix wPos() {
        Config c = config();
        return Matrix.fromFloats(weights.wPos().data(), 0, c.nCtx(), c.dModel(), c.dModel());
    }

    /** diag(w₁) W [d_model, d_head] for head h of a [n_heads, d_model, d_head] tensor; W itself when not folding. */
    private Matrix reading(int l, int h, Tensor w, boolean fold) {
        Config c = config();
        int dm = c.dModel(), dh = c.dHead();
        Matrix m = Matrix.fromFloats(w.data(), h * dm * dh, dm, dh, dh);
        Block b = weights.blocks().get(l);
        if (fold && folded) {
            float[] ln = b.ln1W().data();
            for (int i = 0; i < dm; i++) for (int j = 0; j < dh; j++) m.set(i, j, ln[i] * m.get(i, j));
        }
        return m;
    }

    /** W_E·M [vocab, k] for M [d_model, k], a float32 GEMM widened to double. */
    public Matrix embed(Matrix m) {
        int dm = config().dModel(), k = m.cols();
        if (m.rows() != dm) throw new IllegalArgumentException("W_E · M needs M with " + dm + " rows, not " + m.rows());
        return Matrix.fromFloats(embedFloats(floats(m), k), 0, vocabSize(), k, k);
    }

    /** W_E·M [vocab, k] row-major for M [d_model, k] row-major in float, one float32 GEMM. */
    float[] embedFloats(float[] m, int k) {
        int dm = config().dModel(), n = vocabSize();
        float[] out = new float[n * k];
        Gemm.sgemm(Transpose.N, Transpose.N, n, k, dm, 1f, wE, 0, dm, m, 0, k, 0f, out, 0, k);
        return out;
    }

    /** M·W_U' [k, vocab] for M [k, d_model], a float32 GEMM widened to double. */
    public Matrix unembed(Matrix m) {
        int dm = config().dModel(), k = m.rows();
        if (m.cols() != dm) throw new IllegalArgumentException("M · W_U needs M with " + dm + " columns, not " + m.cols());
        return Matrix.fromFloats(unembedFloats(floats(m), k), 0, k, vocabSize(), vocabSize());
    }

    /** M·W_U' [k, vocab] row-major for M [k, d_model] row-major in float, one float32 GEMM. */
    float[] unembedFloats(float[] m, int k) {
        int dm = config().dModel(), n = vocabSize();
        float[] out = new float[k * n];
        Gemm.sgemm(Transpose.N, Transpose.N, k, n, dm, 1f, m, 0, dm, wU, 0, n, 0f, out, 0, n);
        return out;
    }

    /** [W_E | 1] [vocab, d_model + 1]: the embedding with a column of ones that picks up b_U. */
    public Matrix embedWithOnes() {
        int dm = config().dModel(), n = vocabSize();
        Matrix m = Matrix.fromFloats(wE, 0, n, dm, dm);
        Matrix out = new Matrix(n, dm + 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dm; j++) out.set(i, j, m.get(i, j));
            out.set(i, dm, 1);
        }
        return out;
    }

    /** [W_U' ; b_U'] [d_model + 1, vocab]: the folded unembedding with the folded bias as a last row. */
    public Matrix unembedWithBias() {
        int dm = config().dModel(), n = vocabSize();
        Matrix m = Matrix.fromFloats(wU, 0, dm, n, n);
        Matrix out = new Matrix(dm + 1, n);
        for (int i = 0; i < dm; i++) for (int j = 0; j < n; j++) out.set(i, j, m.get(i, j));
        for (int j = 0; j < n; j++) out.set(dm, j, bU[j]);
        return out;
    }

    /** b_U' [vocab]: the folded unembedding bias. */
    public double[] bU() {
        return bU.clone();
    }

    /** W_U' W_E [d_model, d_model] summed over the WHOLE vocabulary (also in a restricted view), float32 GEMM. */
    public Matrix unembedEmbed() {
        return unembedEmbed;
    }

    /** M's entries rounded to float, row-major [rows, cols]. */
    static float[] floats(Matrix m) {
        float[] f = new float[m.rows() * m.cols()];
        for (int i = 0; i < m.rows(); i++) for (int j = 0; j < m.cols(); j++) f[i * m.cols() + j] = (float) m.get(i, j);
        return f;
    }
}
