package org.vecformer.model.circuits;

import java.util.Arrays;
import org.vecformer.model.analysis.Probabilities;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;

/**
 * How well a zero-layer model predicts a bigram chain. Without attention, the logits at position p depend only on
 * the current token a and on p (standard positions add W_pos[p] before the final norm), so the model's next-token
 * table at position p is {@code Q_p(b | a) = softmax_b(logits of a at position p)}, read from one forward over the
 * constant sequences [a, a, …, a] of n_ctx tokens. Per position:
 * <pre>
 *   perPosition[p] = (1/V) Σ_a Σ_b P(b|a) ln(P(b|a) / Q_p(b|a))          nats, P the chain's transition matrix
 * </pre>
 *
 * @param perPosition [n_ctx] mean KL(true ‖ model) over current tokens, at each position
 */
public record BigramFit(double[] perPosition) {
    /** Scores a zero-layer {@code model} whose vocabulary is the chain's. */
    public static BigramFit of(Transformer model, BigramChain chain) {
        Config c = model.config();
        if (c.nLayers() != 0) throw new IllegalArgumentException("the bigram fit is defined for zero-layer models, not " + c.nLayers() + " layers");
        int v = chain.dVocab(), n = c.nCtx();
        if (c.dVocab() != v) throw new IllegalArgumentException("the model's d_vocab " + c.dVocab() + " differs from the chain's " + v + " tokens");
        int[][] constant = new int[v][n];
        for (int a = 0; a < v; a++) Arrays.fill(constant[a], a);
        float[] logits = model.forward(constant).data(); // [V, n_ctx, V]
        double[] perPosition = new double[n];
        float[] table = new float[v * v];
        for (int p = 0; p < n; p++) {
            for (int a = 0; a < v; a++) {
                double[] q = Probabilities.softmax(logits, (a * n + p) * v, v);
                for (int b = 0; b < v; b++) table[a * v + b] = (float) q[b];
            }
            perPosition[p] = chain.meanKl(table);
        }
        return new BigramFit(perPosition);
    }

    /** Mean of {@link #perPosition()} over positions. */
    public double meanKl() {
        double s = 0;
        for (double x : perPosition) s += x;
        return s / perPosition.length;
    }

    /** The largest per-position KL. */
    public double worstKl() {
        double m = 0;
        for (double x : perPosition) m = Math.max(m, x);
        return m;
    }
}
