package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner products of {@link Attention}'s tiles. Queries sit in lanes: a score tile is stored
 * transposed, st[j][i] with row length {@link Attention#QUERY_TILE} = 4 vectors.
 */
final class AttentionMicro {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    private static final int QT = Attention.QUERY_TILE;

    /** Read in place of a running maximum when none is folded, so the registers start defined. */
    private static final float[] NO_MAX = new float[QT];

    private AttentionMicro() {}

    /**
     * {@code st[j][i] = Σ_e qt[e][i] · k[kBase + j·ldk + e]} for j &lt; bk, all QUERY_TILE queries i.
     * qt is [d, QUERY_TILE]. Register tile: 4 keys × 4 query vectors (16 accumulators); the key elements are
     * broadcast straight from K's rows, so K is never packed. When {@code max} is not null it holds a running maximum
     * per query, {@code max[i] = max(max[i], max_j st[j][i])}, folded while the scores are still in registers (a
     * pass over st fewer); compare and blend, as in {@link Attention}'s online softmax.
     */
    static void qk(float[] qt, int d, float[] k, int kBase, int ldk, int bk, float[] st, float[] max) {
        boolean folding = max != null;
        float[] mx = folding ? max : NO_MAX;
        FloatVector x0 = FloatVector.fromArray(S, mx, 0), x1 = FloatVector.fromArray(S, mx, L);
        FloatVector x2 = FloatVector.fromArray(S, mx, 2 * L), x3 = FloatVector.fromArray(S, mx, 3 * L);
        int j = 0;
        for (; j + 4 <= bk; j += 4) {
            int k0 = kBase + j * ldk, k1 = k0 + ldk, k2 = k1 + ldk, k3 = k2 + ldk;
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int e = 0; e < d; e++) {
                int qe = e * QT;
                FloatVector q0 = FloatVector.fromArray(S, qt, qe), q1 = FloatVector.fromArray(S, qt, qe + L);
                FloatVector q2 = FloatVector.fromArray(S, qt, qe + 2 * L), q3 = FloatVector.fromArray(S, qt, qe + 3 * L);
                FloatVector b = FloatVector.broadcast(S, k[k0 + e]);
                a00 = q0.fma(b, a00); a01 = q1.fma(b, a01); a02 = q2.fma(b, a02); a03 = q3.fma(b, a03);
                b = FloatVector.broadcast(S, k[k1 + e]);
                a10 = q0.fma(b, a10); a11 = q1.fma(b, a11); a12 = q2.fma(b, a12); a13 = q3.fma(b, a13);
                b = FloatVector.broadcast(S, k[k2 + e]);
                a20 = q0.fma(b, a20); a21 = q1.fma(b, a21); a22 = q2.fma(b, a22); a23 = q3.fma(b, a23);
                b = FloatVector.broadcast(S, k[k3 + e]);
                a30 = q0.fma(b, a30); a31 = q1.fma(b, a31); a32 = q2.fma(b, a32); a33 = q3.fma(b, a33);
            }
            int s0 = j * QT;
            a00.intoArray(st, s0); a01.intoArray(st, s0 + L); a02.intoArray(st, s0 + 2 * L); a03.intoArray(st, s0 + 3 * L);
            s0 += QT;
            a10.intoArray(st, s0); a11.intoArray(st, s0 + L); a12.intoArray(st, s0 + 2 * L); a13.intoArray(st, s0 + 3 * L);
            s0 += QT;
            a20.intoArray(st, s0); a21.intoArray(st, s0 + L); a22.intoArray(st, s0 + 2 * L); a23.intoArray(st, s0 + 3 * L);
            s0 += QT;
            a30.intoArray(st, s0); a31.intoArray(st, s0 + L); a32.intoArray(st, s0 + 2 * L); a33.intoArray(st, s0 + 3 * L);
            if (folding) {
                x0 = x0.blend(a00, x0.lt(a00)); x0 = x0.blend(a10, x0.lt(a10)); x0 = x0.blend(a20, x0.lt(a20)); x0 = x0.blend(a30, x0.lt(a30));
                x1 = x1.blend(a01, x1.lt(a01)); x1 = x1.blend(a11, x1.lt(a11)); x1 = x1.blend(a21, x1.lt(a21)); x1 = x1.blend(a31, x1.lt(a31));
                x2 = x2.blend(a02, x2.lt(a02)); x2 = x2.blend(a12, x2.lt(a12)); x2 = x2.blend(a22, x2.lt(a22)); x2 = x2.blend(a32, x2.lt(a32));
                x3 = x3.blend(a03, x3.lt(a03)); x3 = x3.blend(a13, x3.lt(a13)); x3 = x3.blend(a23, x3.lt(a23)); x3 = x3.blend(a33, x3.lt(a33));
            }
        }
        for (; j < bk; j++) {
            int k0 = kBase + j * ldk;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int e = 0; e < d; e++) {
                int qe = e * QT;
                FloatVector b = FloatVector.broadcast(S, k[k0 + e]);
                a0 = FloatVector.fromArray(S, qt, qe).fma(b, a0);
                a1 = FloatVector.fromArray(S, qt, qe + L).fma(b, a1);
                a2 = FloatVector.fromArray(S, qt, qe + 2 * L).fma(b, a2);
                a3 = FloatVector.fromArray(S, qt, qe + 3 * L).fma(b, a3);
            }
            int s0 = j * QT;
            a0.intoArray(st, s0); a1.intoArray(st, s0 + L); a2.intoArray(st, s0 + 2 * L); a3.intoArray(st, s0 + 3 * L);
            if (folding) {
                x0 = x0.blend(a0, x0.lt(a0));
                x1 = x1.blend(a1, x1.lt(a1));
                x2 = x2.blend(a2, x2.lt(a2));
                x3 = x3.blend(a3, x3.lt(a3));
            }
        }
        if (folding) {
            x0.intoArray(max, 0); x1.intoArray(max, L); x2.intoArray(max, 2 * L); x3.intoArray(max, 3 * L);
        }
    }

    /**
     * {@code ot[e][i] = alpha[i]·ot[e][i] + Σ_{j<bk} st[j][i] · v[vBase + j·ldv + e]} for e &lt; d and all
     * QUERY_TILE queries i: the output held transposed, [d, QUERY_TILE], so it is the mirror of {@link #qk}.
     * Register tile: 4 dHead columns × 4 query vectors; V's elements are broadcast straight from its rows.
     */
    static void pv(float[] st, int bk, float[] v, int vBase, int ldv, int d, float[] ot, float[] alpha) {
        FloatVector al0 = FloatVector.fromArray(S, alpha, 0), al1 = FloatVector.fromArray(S, alpha, L);
        FloatVector al2 = FloatVector.fromArray(S, alpha, 2 * L), al3 = FloatVector.fromArray(S, alpha, 3 * L);
        int e = 0;
        for (; e + 4 <= d; e += 4) {
            int o0 = e * QT, o1 = o0 + QT, o2 = o1 + QT, o3 = o2 + QT;
            FloatVector a00 = FloatVector.fromArray(S, ot, o0).mul(al0), a01 = FloatVector.fromArray(S, ot, o0 + L).mul(al1);
            FloatVector a02 = FloatVector.fromArray(S, ot, o0 + 2 * L).mul(al2), a03 = FloatVector.fromArray(S, ot, o0 + 3 * L).mul(al3);
            FloatVector a10 = FloatVector.fromArray(S, ot, o1).mul(al0), a11 = FloatVector.fromArray(S, ot, o1 + L).mul(al1);
            FloatVector a12 = FloatVector.fromArray(S, ot, o1 + 2 * L).mul(al2), a13 = FloatVector.fromArray(S, ot, o1 + 3 * L).mul(al3);
            FloatVector a20 = FloatVector.fromArray(S, ot, o2).mul(al0), a21 = FloatVector.fromArray(S, ot, o2 + L).mul(al1);
            FloatVector a22 = FloatVector.fromArray(S, ot, o2 + 2 * L).mul(al2), a23 = FloatVector.fromArray(S, ot, o2 + 3 * L).mul(al3);
            FloatVector a30 = FloatVector.fromArray(S, ot, o3).mul(al0), a31 = FloatVector.fromArray(S, ot, o3 + L).mul(al1);
            FloatVector a32 = FloatVector.fromArray(S, ot, o3 + 2 * L).mul(al2), a33 = FloatVector.fromArray(S, ot, o3 + 3 * L).mul(al3);
            for (int j = 0; j < bk; j++) {
                int sj = j * QT, vj = vBase + j * ldv + e;
                FloatVector p0 = FloatVector.fromArray(S, st, sj), p1 = FloatVector.fromArray(S, st, sj + L);
                FloatVector p2 = FloatVector.fromArray(S, st, sj + 2 * L), p3 = FloatVector.fromArray(S, st, sj + 3 * L);
                FloatVector b = FloatVector.broadcast(S, v[vj]);
                a00 = p0.fma(b, a00); a01 = p1.fma(b, a01); a02 = p2.fma(b, a02); a03 = p3.fma(b, a03);
                b = FloatVector.broadcast(S, v[vj + 1]);
                a10 = p0.fma(b, a10); a11 = p1.fma(b, a11); a12 = p2.fma(b, a12); a13 = p3.fma(b, a13);
                b = FloatVector.broadcast(S, v[vj + 2]);
                a20 = p0.fma(b, a20); a21 = p1.fma(b, a21); a22 = p2.fma(b, a22); a23 = p3.fma(b, a23);
                b = FloatVector.broadcast(S, v[vj + 3]);
                a30 = p0.fma(b, a30); a31 = p1.fma(b, a31); a32 = p2.fma(b, a32); a33 = p3.fma(b, a33);
            }
            a00.intoArray(ot, o0); a01.intoArray(ot, o0 + L); a02.intoArray(ot, o0 + 2 * L); a03.intoArray(ot, o0 + 3 * L);
            a10.intoArray(ot, o1); a11.intoArray(ot, o1 + L); a12.intoArray(ot, o1 + 2 * L); a13.intoArray(ot, o1 + 3 * L);
            a20.intoArray(ot, o2); a21.intoArray(ot, o2 + L); a22.intoArray(ot, o2 + 2 * L); a23.intoArray(ot, o2 + 3 * L);
            a30.intoArray(ot, o3); a31.intoArray(ot, o3 + L); a32.intoArray(ot, o3 + 2 * L); a33.intoArray(ot, o3 + 3 * L);
        }
        for (; e < d; e++) {
            int o0 = e * QT;
            FloatVector a0 = FloatVector.fromArray(S, ot, o0).mul(al0), a1 = FloatVector.fromArray(S, ot, o0 + L).mul(al1);
            FloatVector a2 = FloatVector.fromArray(S, ot, o0 + 2 * L).mul(al2), a3 = FloatVector.fromArray(S, ot, o0 + 3 * L).mul(al3);
            for (int j = 0; j < bk; j++) {
                int sj = j * QT;
                FloatVector b = FloatVector.broadcast(S, v[vBase + j * ldv + e]);
                a0 = FloatVector.fromArray(S, st, sj).fma(b, a0);
                a1 = FloatVector.fromArray(S, st, sj + L).fma(b, a1);
                a2 = FloatVector.fromArray(S, st, sj + 2 * L).fma(b, a2);
                a3 = FloatVector.fromArray(S, st, sj + 3 * L).fma(b, a3);
            }
            a0.intoArray(ot, o0); a1.intoArray(ot, o0 + L); a2.intoArray(ot, o0 + 2 * L); a3.intoArray(ot, o0 + 3 * L);
        }
    }
}
