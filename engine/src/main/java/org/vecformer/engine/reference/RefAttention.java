package org.vecformer.engine.reference;

/**
 * Scalar twin of causal multi-head attention. Q, K, V and Z use the [T, nHeads·dHead] layout
 * (head h of position t at {@code t·nHeads·dHead + h·dHead}):
 * <pre>
 *   scores[h][i][j]  = (q_i^h · k_j^h) / sqrt(dHead)     for j &lt;= i, masked (-∞) for j &gt; i
 *   pattern[h][i][j] = softmax_j(scores[h][i][·])
 *   z_i^h            = Σ_j pattern[h][i][j] · v_j^h
 * </pre>
 * Everything is accumulated in double.
 */
public final class RefAttention {
    private RefAttention() {}

    /** Writes z [T, nHeads·dHead] and, when non-null, pattern [nHeads, T, T] (zeros above the diagonal). */
    public static void causal(float[] q, float[] k, float[] v, int t, int nHeads, int dHead, float[] z, float[] pattern) {
        int width = nHeads * dHead;
        double scale = 1.0 / Math.sqrt(dHead);
        double[] p = new double[t];
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < t; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < dHead; e++) s += (double) q[i * width + h * dHead + e] * k[j * width + h * dHead + e];
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int j = 0; j < t; j++) {
                    double pj = j <= i ? p[j] / sum : 0;
                    if (j <= i) p[j] = pj;
                    if (pattern != null) pattern[(h * t + i) * t + j] = (float) pj;
                }
                for (int e = 0; e < dHead; e++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) acc += p[j] * v[j * width + h * dHead + e];
                    z[i * width + h * dHead + e] = (float) acc;
                }
            }
        }
    }
}
