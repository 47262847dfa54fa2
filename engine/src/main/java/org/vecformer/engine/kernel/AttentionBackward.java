package org.vecformer.engine.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * SIMD causal attention backward through the stored pattern; same contract as its twin
 * {@link org.vecformer.engine.reference.RefAttentionBackward}, and like it relies on the pattern being exactly zero
 * above the diagonal (as {@link Attention} and the twin's forward write it). Per head, with P = pattern[h] [T, T]
 * and s = 1/sqrt(dHead), block by block of {@link #QUERY_BLOCK} queries I (keys J = every key up to I's last):
 * <pre>
 *   dP_IJ  = dZ_I · V_Jᵀ                            [|I|, |J|]  (V transposed once per head, keys in lanes)
 *   D_i    = Σ_j P_ij · dP_ij                        per query row, over its visible keys
 *   dS_IJ  = s · P_IJ ∘ (dP_IJ − D_I)                 zero above the diagonal
 *   dQ_I  += dS_IJ · K_J,   dK_J += dS_IJᵀ · Q_I,   dV_J += P_IJᵀ · dZ_I
 * </pre>
 * The four products are register-tiled ({@link AttentionBackwardMicro}: 6 or 8 rows of the output by up to 4 vectors
 * of columns, accumulators in registers over the whole contraction) and skip the tiles above the diagonal. D is the
 * softmax backward's row sum Σ_j P_ij·dP_ij rather than dZ_i·z_i, so the pattern is the only forward output read.
 * Reading the stored P rather than recomputing it per tile from Q, K and each row's log-sum-exp (FlashAttention-2):
 * with keys in lanes P's rows are used as stored, while a recomputation costs a Q·Kᵀ product and an exponential per
 * element, more than the read of a [T, T] pattern the training forward writes anyway. On T = 256, 8 heads of 64
 * (one thread) this went from ~3 to ~60 GFLOPS (four causal products), the row-streaming dot/axpy version it replaces.
 * The products read their vector operands from contiguous copies: the head's K rows once per head, each query
 * block's Q and dZ rows once per block. In place those rows are a fused QKV row (3·H·dHead floats) or a dZ row
 * (H·dHead) apart, a power of two of bytes or close to one, so the rows a product walks share a few sets of L1 and
 * were read from L2 again and again; Vᵀ and dS rows get one vector of padding for the same reason. Together 22%
 * less time at T = 256 and 28% at T = 1024, of which the copies 19% and 18% (8 heads of 64, one thread, in-process A/B; the
 * same bits).
 * Per-thread scratch: Vᵀ [dHead, T], dS [QUERY_BLOCK, T], K [T, dHead], Q and dZ [QUERY_BLOCK, dHead], reused.
 * Parallel over heads: each head writes only its own column blocks of dQ, dK, dV, and within a head the order is
 * fixed, so the bits do not depend on the thread count.
 */
public final class AttentionBackward {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    /** Queries per block: the rows of one dS scratch block. */
    static final int QUERY_BLOCK = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private AttentionBackward() {}

    public static void causal(int t, int nHeads, int dHead,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                              float[] pattern, int patternOff, float[] dz, int dzOff, int ldz,
                              float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff, int ldd) {
        if (t <= 0 || dHead <= 0 || nHeads <= 0) return;
        float scale = (float) (1.0 / Math.sqrt(dHead));
        Parallel.forRange(nHeads, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            s.fit(t, dHead);
            for (int h = from; h < to; h++) {
                int col = h * dHead;
                new Head(t, dHead, scale, q, qOff + col, k, kOff + col, v, vOff + col, ld, pattern, patternOff + h * t * t,
                        dz, dzOff + col, ldz, dq, dqOff + col, dk, dkOff + col, dv, dvOff + col, ldd, s).run();
            }
        });
    }

    /** Per-thread buffers, grown on demand. */
    private static final class Scratch {
        /** vt[e][j] = V[j][e], row length {@link #stride}(T) (zero past T). */
        float[] vt = new float[0];
        /** dP, then dS, of one query block: ds[i][j], row length {@link #stride}(T). */
        float[] ds = new float[0];
        /** The head's K rows, contiguous: kh[j][e], [T, dHead]. */
        float[] kh = new float[0];
        /** One query block's Q and dZ rows, contiguous: [QUERY_BLOCK, dHead] each. */
        float[] qb = new float[0], dzb = new float[0];

        void fit(int t, int d) {
            int tPad = stride(t);
            if (vt.length < d * tPad) vt = new float[d * tPad];
            if (ds.length < QUERY_BLOCK * tPad) ds = new float[QUERY_BLOCK * tPad];
            if (kh.length < t * d) kh = new float[t * d];
            if (qb.length < QUERY_BLOCK * d) {
                qb = new float[QUERY_BLOCK * d];
                dzb = new float[QUERY_BLOCK * d];
            }
        }
    }

    /** One head: offsets already point at its column block (q, k, v, dz, dq, dk, dv) and its pattern [T, T] (p). */
    private record Head(int t, int d, float scale, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int ld,
                        float[] p, int pOff, float[] dz, int dzOff, int ldz,
                        float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff, int ldd, Scratch s) {
        void run() {
            int tPad = stride(t);
            // rows per tile: six where dQ, dK, dV are four vectors wide or more (the 6 × 4 kernel), else eight (4 × 4
            // twice, 8 × 2, 8 × 1: a 16- or 32-wide head keeps 16 or 8 accumulators busy)
            int r = d >= 4 * L ? AttentionBackwardMicro.ROWS_WIDE : AttentionBackwardMicro.ROWS;
            float[] vt = s.vt, ds = s.ds, kh = s.kh, qb = s.qb, dzb = s.dzb;
            BlockTranspose.transpose(v, vOff, ld, t, d, vt, 0, tPad);
            for (int e = 0; e < d; e++) Arrays.fill(vt, e * tPad + t, (e + 1) * tPad, 0f);
            copyRows(k, kOff, ld, t, d, kh);
            for (int i0 = 0; i0 < t; i0 += QUERY_BLOCK) {
                int bq = Math.min(QUERY_BLOCK, t - i0), n = i0 + bq;
                copyRows(q, qOff + i0 * ld, ld, bq, d, qb);
                copyRows(dz, dzOff + i0 * ldz, ldz, bq, d, dzb);
                for (int ib = 0; ib < bq; ib += r) {
                    int rows = Math.min(r, bq - ib), keys = roundUp(Math.min(n, i0 + ib + rows));
                    for (int i = ib; i < ib + rows; i++) Arrays.fill(ds, i * tPad, i * tPad + keys, 0f);
                    AttentionBackwardMicro.rows(rows, keys, d, dzb, ib * d, d, 1, vt, 0, tPad, ds, ib * tPad, tPad);
                }
                for (int i = 0; i < bq; i++) softmaxBackward(ds, i * tPad, pOff + (i0 + i) * t, i0 + i + 1, n);
                for (int ib = 0; ib < bq; ib += r) {
                    int rows = Math.min(r, bq - ib), keys = Math.min(n, i0 + ib + rows);
                    AttentionBackwardMicro.rows(rows, d, keys, ds, ib * tPad, tPad, 1, kh, 0, d,
                            dq, dqOff + (i0 + ib) * ldd, ldd);
                }
                for (int jb = 0; jb < n; jb += r) {
                    int rows = Math.min(r, n - jb), first = Math.max(0, jb - i0), kn = bq - first;
                    AttentionBackwardMicro.rows(rows, d, kn, ds, first * tPad + jb, 1, tPad, qb, first * d, d,
                            dk, dkOff + jb * ldd, ldd);
                    AttentionBackwardMicro.rows(rows, d, kn, p, pOff + (i0 + first) * t + jb, 1, t, dzb, first * d, d,
                            dv, dvOff + jb * ldd, ldd);
                }
            }
        }

        /**
         * One query row: ds[j] holds dP_ij for the {@code visible} keys on entry and dS_ij = s·P_ij·(dP_ij − D_i) on
         * exit, zeros from {@code visible} up to {@code n}. D_i's lanes are added in order ({@link VectorOps#sumLanes}).
         */
        private void softmaxBackward(float[] ds, int row, int pRow, int visible, int n) {
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j + L <= visible; j += L) acc = FloatVector.fromArray(S, p, pRow + j).fma(FloatVector.fromArray(S, ds, row + j), acc);
            if (j < visible) {
                VectorMask<Float> m = S.indexInRange(j, visible);
                acc = FloatVector.fromArray(S, p, pRow + j, m).fma(FloatVector.fromArray(S, ds, row + j, m), acc);
            }
            FloatVector dSum = FloatVector.broadcast(S, VectorOps.sumLanes(acc));
            for (j = 0; j + L <= visible; j += L) {
                FloatVector dp = FloatVector.fromArray(S, ds, row + j);
                FloatVector.fromArray(S, p, pRow + j).mul(dp.sub(dSum)).mul(scale).intoArray(ds, row + j);
            }
            if (j < visible) {
                VectorMask<Float> m = S.indexInRange(j, visible);
                FloatVector dp = FloatVector.fromArray(S, ds, row + j, m);
                FloatVector.fromArray(S, p, pRow + j, m).mul(dp.sub(dSum)).mul(scale).intoArray(ds, row + j, m);
            }
            Arrays.fill(ds, row + visible, row + n, 0f);
        }
    }

    /** dst[r·d + e] = src[off + r·ld + e] for r &lt; rows, e &lt; d: a column block's rows made contiguous. */
    private static void copyRows(float[] src, int off, int ld, int rows, int d, float[] dst) {
        for (int r = 0; r < rows; r++) System.arraycopy(src, off + r * ld, dst, r * d, d);
    }

    /**
     * Row length of vt and ds: {@link #roundUp}(t) and one vector more, so that a power-of-two T does not give
     * rows a power-of-two number of bytes apart, which would put them all in a few sets of L1.
     */
    private static int stride(int t) {
        return roundUp(t) + L;
    }

    /**
     * {@code n} rounded up to whole pairs of vectors: the dP product's columns (keys), so that it runs on the
     * 4- and 2-vector kernels only. Those are hot from the first steps; a kernel called rarely stays interpreted for
     * seconds (C1 gives up on these methods: "out of virtual registers"), and interpreted, its vectors are objects.
     */
    private static int roundUp(int n) {
        return KernelSizes.roundUp(n, 2 * L);
    }
}
