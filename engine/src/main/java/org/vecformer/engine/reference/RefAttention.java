package org.vecformer.engine.reference;

/**
 * Scalar twin of causal multi-head attention. Q, K, V and Z are row-major [T, ·] blocks whose rows are
 * {@code ld} (or {@code ldz}) floats apart; head h of a row occupies columns {@code [h·dHead, (h+1)·dHead)},
 * so Q, K and V may be column blocks of one fused [T, 3·nHeads·dHead] buffer.
 * <pre>
 *   scores[h][i][j]  = (q_i^h · k_j^h) / sqrt(dHead)     for j &lt;= i, masked (-∞) for j &gt; i
 *   pattern[h][i][j] = softmax_j(scores[h][i][·])
 *   z_i^h            = Σ_j pattern[h][i][j] · v_j^h
 * </pre>
 * Everything is accumulated in double.
 */
public final class RefAttention {
    private RefAttention() {}

    /** Prefill: queries at positions 0..t-1 against keys 0..t-1. Writes z and, when non-null, pattern [nHeads, t, t] at patternOff. */
    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] z, int zOff, int ldz, float[] pattern, int patternOff) {
        decode(0, t, nHeads, dHead, q, qOff, ld, k, kOff, v, vOff, ld, z, zOff, ldz, pattern, patternOff);
    }

    /**
     * Decode: {@code nq} new queries at positions {@code p..p+nq-1} (rows of q) against a K/V cache of
     * {@code p+nq} rows. Writes z [nq, ·] and, when non-null, pattern [nHeads, nq, p+nq] at patternOff.
     */
    public static void decode(int p, int nq, int nHeads, int dHead,
                              float[] q, int qOff, int ldq, float[] k, int kOff, float[] v, int vOff, int ldkv,
                              float[] z, int zOff, int ldz, float[] pattern, int patternOff) {
        int keys = p + nq;
        double scale = 1.0 / Math.sqrt(dHead);
        double[] w = new double[keys];
        for (int h = 0; h < nHeads; h++) {
            int col = h * dHead;
            for (int i = 0; i < nq; i++) {
                int visible = p + i + 1;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    double s = 0;
                    for (int e = 0; e < dHead; e++) s += (double) q[qOff + i * ldq + col + e] * k[kOff + j * ldkv + col + e];
                    w[j] = s * scale;
                    max = Math.max(max, w[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) {
                    w[j] = Math.exp(w[j] - max);
                    sum += w[j];
                }
                for (int j = 0; j < visible; j++) w[j] /= sum;
                if (pattern != null) {
                    int row = patternOff + (h * nq + i) * keys;
                    for (int j = 0; j < keys; j++) pattern[row + j] = j < visible ? (float) w[j] : 0f;
                }
                for (int e = 0; e < dHead; e++) {
                    double acc = 0;
                    for (int j = 0; j < visible; j++) acc += w[j] * v[vOff + j * ldkv + col + e];
                    z[zOff + i * ldz + col + e] = (float) acc;
                }
            }
        }
    }
}
