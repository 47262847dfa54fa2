package org.vecformer.model.circuits;

import java.util.Arrays;
import org.vecformer.engine.linalg.FactoredMatrix;

/**
 * A head's positional QK circuit {@code m = (W_pos W_Q^h)·(W_pos W_K^h)ᵀ} ({@link Circuits#positionalQk}; row: query
 * position, column: key position) on its first n positions, read the way a previous-token head shows in it. Without the
 * 1/sqrt(d_head) and layer-norm scales only sizes within a row compare, and softmax ignores a row's constant, so each
 * row is centred over the keys its query sees:
 * <pre>
 *   centred[i][j] = m[i][j] − mean_{k ≤ i} m[i][k]     for j ≤ i;   0 for j &gt; i (keys after the query: masked)
 * </pre>
 *
 * @param centred [n][n]
 * @param positions the circuit's positions (n_ctx), n of which are read
 * @param previousTokenRows rows i ≥ 1 whose largest centred entry over k ≤ i (the first one on ties) is k = i − 1
 * @param maxAbs the largest |centred[i][j]| over j ≤ i, at least 1e-9 (a symmetric colour range)
 */
public record PositionalQk(double[][] centred, int positions, int previousTokenRows, double maxAbs) {
    /** The circuit of head h in layer l on its first min(maxPositions, n_ctx) positions. */
    public static PositionalQk of(Circuits circuits, int l, int h, int maxPositions) {
        FactoredMatrix qk = circuits.positionalQk(l, h);
        int n = Math.min(maxPositions, qk.rows());
        double[][] raw = new double[n][];
        for (int i = 0; i < n; i++) raw[i] = Arrays.copyOf(qk.row(i), n);
        double[][] v = centredCausalRows(raw);
        double max = 1e-9;
        int previous = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 0; j <= i; j++) {
                max = Math.max(max, Math.abs(v[i][j]));
                if (v[i][j] > v[i][best]) best = j;
            }
            if (i > 0 && best == i - 1) previous++;
        }
        return new PositionalQk(v, qk.rows(), previous, max);
    }

    /** Positions read: the side of {@link #centred}. */
    public int shown() {
        return centred.length;
    }

    /** {@code m} [n][n] with each row centred over its causal part, as in the class comment. */
    static double[][] centredCausalRows(double[][] m) {
        double[][] out = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) {
            double mean = 0;
            for (int j = 0; j <= i; j++) mean += m[i][j];
            mean /= i + 1;
            for (int j = 0; j <= i; j++) out[i][j] = m[i][j] - mean;
        }
        return out;
    }
}
