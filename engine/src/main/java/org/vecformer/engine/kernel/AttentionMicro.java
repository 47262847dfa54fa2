package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner products of {@link Attention}'s tiles. Queries sit in lanes: a score tile is stored
 * transposed, st[j][i] with row length {@link Attention#QUERY_TILE} = 4 vectors.
 */
final class AttentionMicro {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    private static final int QT = Attention.QUERY_TILE;

    private AttentionMicro() {}

    /**
     * {@code st[j][i] = Σ_e qt[e][i] · k[kBase + j·ldk + e]} for j &lt; bk, all QUERY_TILE queries i.
     * qt is [d, QUERY_TILE]. Register tile: 4 keys × 4 query vectors (16 accumulators); the key elements are
     * broadcast straight from K's rows, so K is never packed.
     */
    static void qk(float[] qt, int d, float[] k, int kBase, int ldk, int bk, float[] st) {
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
        }
    }

    /**
     * {@code o[i][e] = alpha[i]·o[i][e] + Σ_{j<bk} st[j][i] · v[vBase + j·ldv + e]} for i &lt; rows (a multiple of 4)
     * and e &lt; d; o is [QUERY_TILE, dPad]. Register tile: 4 queries × 4 vectors of dHead (16 accumulators);
     * the probabilities are broadcast from st, V's rows are read in place. Columns left over run one vector
     * at a time, the last one masked.
     */
    static void pv(float[] st, int bk, int rows, float[] v, int vBase, int ldv, int d, float[] o, int dPad, float[] alpha) {
        for (int i = 0; i < rows; i += 4) {
            float al0 = alpha[i], al1 = alpha[i + 1], al2 = alpha[i + 2], al3 = alpha[i + 3];
            int o0 = i * dPad, o1 = o0 + dPad, o2 = o1 + dPad, o3 = o2 + dPad;
            int e = 0;
            for (; e + 4 * L <= d; e += 4 * L) {
                FloatVector c00 = FloatVector.fromArray(S, o, o0 + e).mul(al0), c01 = FloatVector.fromArray(S, o, o0 + e + L).mul(al0);
                FloatVector c02 = FloatVector.fromArray(S, o, o0 + e + 2 * L).mul(al0), c03 = FloatVector.fromArray(S, o, o0 + e + 3 * L).mul(al0);
                FloatVector c10 = FloatVector.fromArray(S, o, o1 + e).mul(al1), c11 = FloatVector.fromArray(S, o, o1 + e + L).mul(al1);
                FloatVector c12 = FloatVector.fromArray(S, o, o1 + e + 2 * L).mul(al1), c13 = FloatVector.fromArray(S, o, o1 + e + 3 * L).mul(al1);
                FloatVector c20 = FloatVector.fromArray(S, o, o2 + e).mul(al2), c21 = FloatVector.fromArray(S, o, o2 + e + L).mul(al2);
                FloatVector c22 = FloatVector.fromArray(S, o, o2 + e + 2 * L).mul(al2), c23 = FloatVector.fromArray(S, o, o2 + e + 3 * L).mul(al2);
                FloatVector c30 = FloatVector.fromArray(S, o, o3 + e).mul(al3), c31 = FloatVector.fromArray(S, o, o3 + e + L).mul(al3);
                FloatVector c32 = FloatVector.fromArray(S, o, o3 + e + 2 * L).mul(al3), c33 = FloatVector.fromArray(S, o, o3 + e + 3 * L).mul(al3);
                for (int j = 0; j < bk; j++) {
                    int vr = vBase + j * ldv + e, sr = j * QT + i;
                    FloatVector v0 = FloatVector.fromArray(S, v, vr), v1 = FloatVector.fromArray(S, v, vr + L);
                    FloatVector v2 = FloatVector.fromArray(S, v, vr + 2 * L), v3 = FloatVector.fromArray(S, v, vr + 3 * L);
                    FloatVector b = FloatVector.broadcast(S, st[sr]);
                    c00 = v0.fma(b, c00); c01 = v1.fma(b, c01); c02 = v2.fma(b, c02); c03 = v3.fma(b, c03);
                    b = FloatVector.broadcast(S, st[sr + 1]);
                    c10 = v0.fma(b, c10); c11 = v1.fma(b, c11); c12 = v2.fma(b, c12); c13 = v3.fma(b, c13);
                    b = FloatVector.broadcast(S, st[sr + 2]);
                    c20 = v0.fma(b, c20); c21 = v1.fma(b, c21); c22 = v2.fma(b, c22); c23 = v3.fma(b, c23);
                    b = FloatVector.broadcast(S, st[sr + 3]);
                    c30 = v0.fma(b, c30); c31 = v1.fma(b, c31); c32 = v2.fma(b, c32); c33 = v3.fma(b, c33);
                }
                c00.intoArray(o, o0 + e); c01.intoArray(o, o0 + e + L); c02.intoArray(o, o0 + e + 2 * L); c03.intoArray(o, o0 + e + 3 * L);
                c10.intoArray(o, o1 + e); c11.intoArray(o, o1 + e + L); c12.intoArray(o, o1 + e + 2 * L); c13.intoArray(o, o1 + e + 3 * L);
                c20.intoArray(o, o2 + e); c21.intoArray(o, o2 + e + L); c22.intoArray(o, o2 + e + 2 * L); c23.intoArray(o, o2 + e + 3 * L);
                c30.intoArray(o, o3 + e); c31.intoArray(o, o3 + e + L); c32.intoArray(o, o3 + e + 2 * L); c33.intoArray(o, o3 + e + 3 * L);
            }
            for (; e < d; e += L) {
                VectorMask<Float> mk = S.indexInRange(e, d);
                FloatVector c0 = FloatVector.fromArray(S, o, o0 + e).mul(al0), c1 = FloatVector.fromArray(S, o, o1 + e).mul(al1);
                FloatVector c2 = FloatVector.fromArray(S, o, o2 + e).mul(al2), c3 = FloatVector.fromArray(S, o, o3 + e).mul(al3);
                for (int j = 0; j < bk; j++) {
                    int sr = j * QT + i;
                    FloatVector x = FloatVector.fromArray(S, v, vBase + j * ldv + e, mk);
                    c0 = x.fma(FloatVector.broadcast(S, st[sr]), c0);
                    c1 = x.fma(FloatVector.broadcast(S, st[sr + 1]), c1);
                    c2 = x.fma(FloatVector.broadcast(S, st[sr + 2]), c2);
                    c3 = x.fma(FloatVector.broadcast(S, st[sr + 3]), c3);
                }
                c0.intoArray(o, o0 + e); c1.intoArray(o, o1 + e); c2.intoArray(o, o2 + e); c3.intoArray(o, o3 + e);
            }
        }
    }
}
