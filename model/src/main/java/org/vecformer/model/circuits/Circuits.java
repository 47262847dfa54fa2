package org.vecformer.model.circuits;

import org.vecformer.engine.linalg.Eigen;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.engine.parallel.Parallel;

/**
 * The circuits of "A Mathematical Framework for Transformer Circuits" (Elhage et al., 2021) as factored
 * products, never materialising a vocab × vocab matrix. Notation of the paper and of TransformerLens
 * ({@code model.OV}, {@code model.QK}, {@code W_E @ model.OV @ W_U}); row vectors, so a token's embedding
 * is a row of W_E and a circuit's entry [i][j] is "from row token i to column token j". All matrices are
 * read from {@link CircuitWeights} (layer norms folded). The attention scale 1/sqrt(d_head) is not included
 * in QK circuits, as in TransformerLens.
 */
public final class Circuits {
    private final CircuitWeights w;

    public Circuits(CircuitWeights w) {
        this.w = w;
    }

    public CircuitWeights weights() {
        return w;
    }

    /** The OV matrix of head h in layer l: {@code W_V^h W_O^h} [d_model, d_model] (TransformerLens {@code model.OV}). */
    public FactoredMatrix ov(int l, int h) {
        return new FactoredMatrix(w.wV(l, h), w.wO(l, h));
    }

    /** The QK matrix {@code W_Q^h (W_K^h)ᵀ} [d_model, d_model] (TransformerLens {@code model.QK}): query row, key column. */
    public FactoredMatrix qk(int l, int h) {
        return new FactoredMatrix(w.wQ(l, h), w.wK(l, h).transpose());
    }

    /**
     * The direct path (bigram table) {@code W_E W_U' + b_U'} [vocab, vocab], factored as
     * {@code [W_E | 1]·[W_U' ; b_U']} (inner dimension d_model + 1): entry [s][t] is the logit of t that token s
     * gives through the residual stream alone.
     */
    public FactoredMatrix directPath() {
        return new FactoredMatrix(w.embedWithOnes(), w.unembedWithBias());
    }

    /**
     * The full QK circuit {@code W_E W_Q^h (W_K^h)ᵀ W_Eᵀ} [vocab, vocab] (paper: {@code W_Eᵀ W_QK^h W_E} in column
     * convention), factored as {@code (W_E W_Q^h)·(W_E W_K^h)ᵀ}: entry [d][s] is the attention score destination
     * token d gives source token s (through the direct path, no positions, no 1/sqrt(d_head)).
     */
    public FactoredMatrix qkCircuit(int l, int h) {
        return new FactoredMatrix(w.embed(w.wQ(l, h)), w.embed(w.wK(l, h)).transpose());
    }

    /**
     * The full OV circuit {@code W_E W_V^h W_O^h W_U'} [vocab, vocab] (paper: {@code W_U W_OV^h W_E}), factored as
     * {@code (W_E W_V^h)·(W_O^h W_U')}: entry [s][o] is how much attending to source token s raises the logit of o.
     */
    public FactoredMatrix ovCircuit(int l, int h) {
        return new FactoredMatrix(w.embed(w.wV(l, h)), w.unembed(w.wO(l, h)));
    }

    /**
     * The QK and OV circuits of every head of layer l ({@link #qkCircuit}, {@link #ovCircuit}), their
     * vocabulary-side factors formed for all heads at once; the way to read many heads of a large vocabulary.
     */
    public LayerCircuits layer(int l) {
        return new LayerCircuits(w, l);
    }

    /**
     * The positional QK circuit {@code W_pos W_Q^h (W_K^h)ᵀ W_posᵀ} [n_ctx, n_ctx], factored as
     * {@code (W_pos W_Q^h)·(W_pos W_K^h)ᵀ}: entry [i][j] is the score query position i gives key position j
     * from positions alone (a previous-token head is large on j = i − 1). For shortformer the unfolded
     * W_Q, W_K (see {@link CircuitWeights#wQForPositions}).
     */
    public FactoredMatrix positionalQk(int l, int h) {
        Matrix pos = w.wPos();
        return new FactoredMatrix(pos.multiply(w.wQForPositions(l, h)), pos.multiply(w.wKForPositions(l, h)).transpose());
    }

    /**
     * The eigenvalues of the full OV circuit {@code W_E W_V W_O W_U'}, computed on the d_head × d_head matrix
     * {@code W_O W_U' W_E W_V} (same non-zero eigenvalues, since XY and YX share them), with W_U' W_E summed
     * over the whole vocabulary.
     */
    public Eigen ovEigenvalues(int l, int h) {
        return Eigen.of(w.wO(l, h).multiply(w.unembedEmbed()).multiply(w.wV(l, h)));
    }

    /**
     * The copying score of the paper (§ "Copying / Primarily Positive Eigenvalues"):
     * {@code Re(Σ_k λ_k) / Σ_k |λ_k|} over the eigenvalues of the full OV circuit ({@link #ovEigenvalues}); +1
     * for a head whose OV circuit only copies (all eigenvalues positive), −1 for one that only suppresses, 0
     * when the circuit is zero.
     */
    public double copyingScore(int l, int h) {
        Eigen e = ovEigenvalues(l, h);
        double re = 0, abs = 0;
        for (int k = 0; k < e.size(); k++) {
            re += e.re()[k];
            abs += e.modulus(k);
        }
        return abs == 0 ? 0 : re / abs;
    }

    /** {@link #copyingScore} of every head, [n_layers][n_heads], heads in parallel (each on one thread). */
    public double[][] copyingScores() {
        int layers = w.config().nLayers(), heads = w.config().nHeads();
        double[][] s = new double[layers][heads];
        Parallel.forRange(layers * heads, 1, (from, to) -> {
            for (int i = from; i < to; i++) s[i / heads][i % heads] = copyingScore(i / heads, i % heads);
        });
        return s;
    }
}
