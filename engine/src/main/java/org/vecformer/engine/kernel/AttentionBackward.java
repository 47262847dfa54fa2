package org.vecformer.engine.kernel;

import org.vecformer.engine.parallel.Parallel;

/**
 * SIMD causal attention backward through the stored pattern; same contract as its twin
 * {@link org.vecformer.engine.reference.RefAttentionBackward}. Per head, P = pattern[h] [T, T], streaming over
 * query rows i and only the visible keys j &lt;= i:
 * <pre>
 *   dP_ij  = dZ_i · V_j                                   (dot over dHead)
 *   dS_ij  = P_ij·(dP_ij − Σ_j' dP_ij'·P_ij') / sqrt(dHead)
 *   dQ_i  += dS_ij·K_j,   dK_j += dS_ij·Q_i,   dV_j += P_ij·dZ_i      (axpys over dHead)
 * </pre>
 * The products are triangular and a head is only dHead wide, so row streaming skips the masked half and needs no
 * transposes or [T, T] scratch; with the interim row-streaming GEMM, the four-GEMM formulation measured 2–4x slower.
 * Parallel over heads: each head writes only its own column blocks of dQ, dK, dV, and within a head the order is
 * fixed, so the bits do not depend on the thread count.
 */
public final class AttentionBackward {
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private AttentionBackward() {}

    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] pattern, int patternOff, float[] dz, int dzOff, int ldz,
                              float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff, int ldd) {
        if (t <= 0 || dHead <= 0) return;
        float scale = (float) (1.0 / Math.sqrt(dHead));
        Parallel.forRange(nHeads, 1, (from, to) -> {
            float[] dp = ROW.get();
            if (dp.length < t) ROW.set(dp = new float[t]);
            for (int h = from; h < to; h++) {
                int col = h * dHead;
                for (int i = 0; i < t; i++) {
                    int zi = dzOff + i * ldz + col, pi = patternOff + (h * t + i) * t;
                    for (int j = 0; j <= i; j++) dp[j] = VectorOps.dot(dHead, dz, zi, v, vOff + j * ld + col);
                    float rowSum = VectorOps.dot(i + 1, dp, 0, pattern, pi);
                    for (int j = 0; j <= i; j++) {
                        float p = pattern[pi + j], ds = p * (dp[j] - rowSum) * scale;
                        VectorOps.axpy(dHead, ds, k, kOff + j * ld + col, dq, dqOff + i * ldd + col);
                        VectorOps.axpy(dHead, ds, q, qOff + i * ld + col, dk, dkOff + j * ldd + col);
                        VectorOps.axpy(dHead, p, dz, zi, dv, dvOff + j * ldd + col);
                    }
                }
            }
        });
    }
}
