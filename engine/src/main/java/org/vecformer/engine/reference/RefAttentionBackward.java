package org.vecformer.engine.reference;

/**
 * Scalar twin of the causal attention backward pass through the stored pattern (forward: {@link RefAttention#causal}).
 * Per head h, with P = pattern[h] [T, T] (zero above the diagonal), Q, K, V, dZ the head's [T, dHead] column blocks:
 * <pre>
 *   dV += Pᵀ·dZ
 *   dP  = dZ·Vᵀ
 *   dS  = P ⊙ (dP − rowsum(dP ⊙ P))          (softmax backward; masked entries have P = 0, so dS = 0)
 *   dQ += dS·K / sqrt(dHead)
 *   dK += dSᵀ·Q / sqrt(dHead)
 * </pre>
 * Q, K, V are read with row stride {@code ld} (column blocks of a fused [T, 3·nHeads·dHead] buffer), dZ with
 * {@code ldz}, and dQ, dK, dV are written in the same layout with row stride {@code ldd}. Gradients are ADDED to
 * dQ, dK, dV. Pattern [nHeads, T, T] at {@code patternOff}. Accumulates in double.
 */
public final class RefAttentionBackward {
    private RefAttentionBackward() {}

    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] pattern, int patternOff, float[] dz, int dzOff, int ldz,
                              float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff, int ldd) {
        double scale = 1.0 / Math.sqrt(dHead);
        double[] dS = new double[t];
        for (int h = 0; h < nHeads; h++) {
            int col = h * dHead, p0 = patternOff + h * t * t;
            for (int j = 0; j < t; j++) {
                for (int e = 0; e < dHead; e++) {
                    double s = dv[dvOff + j * ldd + col + e];
                    for (int i = j; i < t; i++) s += (double) pattern[p0 + i * t + j] * dz[dzOff + i * ldz + col + e];
                    dv[dvOff + j * ldd + col + e] = (float) s;
                }
            }
            for (int i = 0; i < t; i++) {
                double rowSum = 0;
                for (int j = 0; j <= i; j++) {
                    double dp = 0;
                    for (int e = 0; e < dHead; e++) dp += (double) dz[dzOff + i * ldz + col + e] * v[vOff + j * ld + col + e];
                    dS[j] = dp;
                    rowSum += dp * pattern[p0 + i * t + j];
                }
                for (int j = 0; j <= i; j++) dS[j] = pattern[p0 + i * t + j] * (dS[j] - rowSum);
                for (int e = 0; e < dHead; e++) {
                    double s = dq[dqOff + i * ldd + col + e];
                    for (int j = 0; j <= i; j++) s += dS[j] * k[kOff + j * ld + col + e] * scale;
                    dq[dqOff + i * ldd + col + e] = (float) s;
                }
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < dHead; e++) {
                        int at = dkOff + j * ldd + col + e;
                        dk[at] = (float) (dk[at] + dS[j] * q[qOff + i * ld + col + e] * scale);
                    }
                }
            }
        }
    }
}
