package org.vecformer.engine.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * SIMD causal attention backward through the stored pattern; same contract as its twin
 * {@link org.vecformer.engine.reference.RefAttentionBackward}. Per head, P = pattern[h] [T, T]:
 * <pre>
 *   dV += Pᵀ·dZ                         (GEMM)
 *   dP  = dZ·Vᵀ                         (GEMM into per-thread scratch [T, T])
 *   dS  = P ⊙ (dP − rowsum(dP ⊙ P))     (row by row, zero above the diagonal)
 *   dQ += dS·K / sqrt(dHead)            (GEMM)
 *   dK += dSᵀ·Q / sqrt(dHead)           (GEMM)
 * </pre>
 * Parallel over heads: each head writes only its own column blocks of dQ, dK, dV, so the bits do not depend on
 * the thread count.
 */
public final class AttentionBackward {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private AttentionBackward() {}

    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] pattern, int patternOff, float[] dz, int dzOff, int ldz,
                              float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff, int ldd) {
        if (t <= 0 || dHead <= 0) return;
        float scale = (float) (1.0 / Math.sqrt(dHead));
        Parallel.forRange(nHeads, 1, (from, to) -> {
            float[] ds = SCRATCH.get();
            if (ds.length < t * t) SCRATCH.set(ds = new float[t * t]);
            for (int h = from; h < to; h++) {
                int col = h * dHead, p = patternOff + h * t * t;
                Gemm.sgemm(Transpose.T, Transpose.N, t, dHead, t, 1f, pattern, p, t, dz, dzOff + col, ldz, 1f, dv, dvOff + col, ldd);
                Gemm.sgemm(Transpose.N, Transpose.T, t, t, dHead, 1f, dz, dzOff + col, ldz, v, vOff + col, ld, 0f, ds, 0, t);
                for (int i = 0; i < t; i++) softmaxBackwardRow(i + 1, t, pattern, p + i * t, ds, i * t);
                Gemm.sgemm(Transpose.N, Transpose.N, t, dHead, t, scale, ds, 0, t, k, kOff + col, ld, 1f, dq, dqOff + col, ldd);
                Gemm.sgemm(Transpose.T, Transpose.N, t, dHead, t, scale, ds, 0, t, q, qOff + col, ld, 1f, dk, dkOff + col, ldd);
            }
        });
    }

    /** In place over one row of dP [n]: {@code dS_j = P_j·(dP_j − Σ_j' dP_j'·P_j')} for j &lt; visible, 0 after. */
    private static void softmaxBackwardRow(int visible, int n, float[] p, int pOff, float[] ds, int dsOff) {
        float rowSum = VectorOps.dot(visible, ds, dsOff, p, pOff);
        int step = S.length();
        for (int j = 0; j < visible; j += step) {
            VectorMask<Float> m = S.indexInRange(j, visible);
            FloatVector pj = FloatVector.fromArray(S, p, pOff + j, m);
            FloatVector.fromArray(S, ds, dsOff + j, m).sub(rowSum).mul(pj).intoArray(ds, dsOff + j, m);
        }
        Arrays.fill(ds, dsOff + visible, dsOff + n, 0f);
    }
}
