package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner products of {@link Attention}'s one-query-row path (decoding fewer queries than a vector has lanes), vectorised
 * over dHead: the scores q·k_j, and z = Σ_j w_j·v_j walking V row by row so each cached row is read once, in order.
 */
final class AttentionRow {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();

    private AttentionRow() {}

    /**
     * {@code Σ_e q[qOff+e] · k[kOff+e]} for e &lt; d: two vector accumulators, then the lanes added pairwise
     * ({@link VectorOps#sumLanesPairwise}).
     */
    static float dot(int d, float[] q, int qOff, float[] k, int kOff) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        int e = 0;
        for (; e <= d - 2 * L; e += 2 * L) {
            acc0 = FloatVector.fromArray(S, q, qOff + e).fma(FloatVector.fromArray(S, k, kOff + e), acc0);
            acc1 = FloatVector.fromArray(S, q, qOff + e + L).fma(FloatVector.fromArray(S, k, kOff + e + L), acc1);
        }
        for (; e < d; e += L) {
            VectorMask<Float> m = S.indexInRange(e, d);
            acc0 = FloatVector.fromArray(S, q, qOff + e, m).fma(FloatVector.fromArray(S, k, kOff + e, m), acc0);
        }
        return VectorOps.sumLanesPairwise(acc0.add(acc1));
    }

    /**
     * {@code z[zOff+e] = Σ_{j<n} w[j] · v[vBase + j·ldv + e]} for e &lt; d. Four vectors of z stay in registers while j
     * walks the rows of V, so each row is read in order (four independent FMA chains sharing one broadcast); the
     * last d mod 4L columns go one vector at a time.
     */
    static void weightedRows(int n, float[] w, float[] v, int vBase, int ldv, int d, float[] z, int zOff) {
        int e = 0;
        for (; e + 4 * L <= d; e += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0, row = vBase + e; j < n; j++, row += ldv) {
                FloatVector b = FloatVector.broadcast(S, w[j]);
                a0 = FloatVector.fromArray(S, v, row).fma(b, a0);
                a1 = FloatVector.fromArray(S, v, row + L).fma(b, a1);
                a2 = FloatVector.fromArray(S, v, row + 2 * L).fma(b, a2);
                a3 = FloatVector.fromArray(S, v, row + 3 * L).fma(b, a3);
            }
            a0.intoArray(z, zOff + e);
            a1.intoArray(z, zOff + e + L);
            a2.intoArray(z, zOff + e + 2 * L);
            a3.intoArray(z, zOff + e + 3 * L);
        }
        for (; e < d; e += L) {
            VectorMask<Float> m = S.indexInRange(e, d);
            FloatVector a = FloatVector.zero(S);
            for (int j = 0, row = vBase + e; j < n; j++, row += ldv) a = FloatVector.fromArray(S, v, row, m).fma(FloatVector.broadcast(S, w[j]), a);
            a.intoArray(z, zOff + e, m);
        }
    }
}
