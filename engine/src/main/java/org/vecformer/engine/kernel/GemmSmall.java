package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.KernelSizes.ceilDiv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.vecformer.engine.parallel.Parallel;

/**
 * GEMM without packing, for products too small to repay it and for matrix-vector products
 * (m == 1: a row times op(B), the decode step of generation; n == 1: op(A) times a column).
 *
 * <p>Every output row (or, for n == 1, the one output column) is a vector-matrix product
 * {@code y = x·M} over a row-major matrix read in place, by one of two kernels:
 * <ul>
 *   <li>{@link #axpys}: {@code y[j] = Σ_p x[p]·M[p][j]}, columns contiguous, fma over p ascending: in
 *       register blocks of four vectors of columns when M is small enough to stay in cache, else
 *       ({@link #axpysStreaming}) row by row over L1-sized blocks of y, so M is read in long contiguous runs
 *       the hardware prefetcher follows (the decode step's unembedding: a 1 × 512 row times W_U [512, 48262]).
 *       Both sum every y[j] in the same order, so they give the same bits;</li>
 *   <li>{@link #dots}: {@code y[j] = Σ_p x[p]·M[j][p]}, rows contiguous (four rows at a time, one vector
 *       accumulator per row, its lanes summed in order, then a scalar fma tail).</li>
 * </ul>
 * then {@code C = alpha·y + beta·C} (just {@code alpha·y} when beta == 0). A strided x is first copied
 * to a contiguous per-thread run. Threads split output rows, or output columns when m == 1; each
 * element is summed in one fixed order, so results do not depend on the thread count.
 */
final class GemmSmall {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = Simd.LANES;
    /** Least work (multiply-adds) worth handing to another thread. */
    private static final long MIN_TASK = 1 << 15;
    /** Matrix floats read by one {@link #axpys} call above which it streams rows (1 MiB: beyond L1 and most of L2). */
    static final long STREAM_FLOATS = 1 << 18;
    /** Columns of y per block of {@link #axpysStreaming} (8 KiB, stays in L1 while M's rows stream past). */
    private static final int STREAM_BLOCK = 2048;

    private GemmSmall() {}

    static void sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int threads = Parallel.threads();
        if (n == 1 && m > 1) {
            // c[i] = op(A)[i,:] · op(B)[:,0]: x is B's column, the matrix is A (rows i contiguous iff N)
            int grain = Math.max(ceilDiv(m, threads), (int) Math.min(m, MIN_TASK / Math.max(1, k)));
            Parallel.forRange(m, Math.max(1, grain), (from, to) -> {
                GemmScratch scratch = GemmScratch.local();
                float[] x = transB == Transpose.T ? b : gather(scratch, k, b, bOff, ldb);
                int xAt = transB == Transpose.T ? bOff : 0;
                float[] y = scratch.out(to - from);
                if (transA == Transpose.N) dots(k, x, xAt, a, aOff, lda, from, to, y, scratch.tile(L));
                else axpys(k, x, xAt, a, aOff, lda, from, to, y);
                finish(to - from, alpha, y, beta, c, cOff + from * ldc, ldc);
            });
            return;
        }
        if (m == 1) {
            int grain = Math.max(ceilDiv(n, threads), (int) Math.min(n, MIN_TASK / Math.max(1, k)));
            grain = Math.min(n, ceilDiv(Math.max(1, grain), 4 * L) * 4 * L);
            Parallel.forRange(n, grain, (from, to) -> {
                GemmScratch scratch = GemmScratch.local();
                float[] x = transA == Transpose.N ? a : gather(scratch, k, a, aOff, lda);
                int xAt = transA == Transpose.N ? aOff : 0;
                float[] y = scratch.out(to - from);
                product(transB, k, x, xAt, b, bOff, ldb, from, to, y, scratch.tile(L));
                finish(to - from, alpha, y, beta, c, cOff + from, 1);
            });
            return;
        }
        long rowWork = Math.max(1L, (long) n * k);
        int grain = (int) Math.max(ceilDiv(m, threads), Math.min(m, MIN_TASK / rowWork));
        Parallel.forRange(m, Math.max(1, grain), (from, to) -> {
            GemmScratch scratch = GemmScratch.local();
            float[] y = scratch.out(n);
            for (int i = from; i < to; i++) {
                float[] x = transA == Transpose.N ? a : gather(scratch, k, a, aOff + i, lda);
                int xAt = transA == Transpose.N ? aOff + i * lda : 0;
                product(transB, k, x, xAt, b, bOff, ldb, 0, n, y, scratch.tile(L));
                finish(n, alpha, y, beta, c, cOff + i * ldc, 1);
            }
        });
    }

    /** {@code y[j-from] = Σ_p x[p]·op(B)[p][j]} for j in [from, to). */
    private static void product(Transpose transB, int k, float[] x, int xAt, float[] b, int bOff, int ldb,
                                int from, int to, float[] y, float[] lanes) {
        if (transB == Transpose.N) axpys(k, x, xAt, b, bOff, ldb, from, to, y);
        else dots(k, x, xAt, b, bOff, ldb, from, to, y, lanes);
    }

    /** Copies {@code v[off + p·inc]}, p < k, into this thread's contiguous run. */
    private static float[] gather(GemmScratch scratch, int k, float[] v, int off, int inc) {
        float[] x = scratch.x(k);
        for (int p = 0; p < k; p++) x[p] = v[off + p * inc];
        return x;
    }

    /** {@code c[cAt + j·inc] = alpha·y[j] + beta·c[..]} for j < count (beta == 0: old values ignored). */
    private static void finish(int count, float alpha, float[] y, float beta, float[] c, int cAt, int inc) {
        for (int j = 0, ci = cAt; j < count; j++, ci += inc) {
            c[ci] = beta == 0 ? alpha * y[j] : Math.fma(y[j], alpha, beta * c[ci]);
        }
    }

    /** {@code y[j-from] = Σ_p x[xAt+p]·M[p][j]} for j in [from, to), M at {@code mOff} with leading dimension ld. */
    static void axpys(int k, float[] x, int xAt, float[] mat, int mOff, int ld, int from, int to, float[] y) {
        if ((long) k * (to - from) > STREAM_FLOATS) axpysStreaming(k, x, xAt, mat, mOff, ld, from, to, y);
        else axpysInRegisters(k, x, xAt, mat, mOff, ld, from, to, y);
    }

    /** {@link #axpys} with accumulators in registers, four vectors of columns at a time. */
    static void axpysInRegisters(int k, float[] x, int xAt, float[] mat, int mOff, int ld, int from, int to, float[] y) {
        int j = from;
        for (; j + 4 * L <= to; j += 4 * L) {
            FloatVector y0 = FloatVector.zero(S), y1 = FloatVector.zero(S), y2 = FloatVector.zero(S), y3 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                FloatVector xp = FloatVector.broadcast(S, x[xAt + p]);
                int row = mOff + p * ld + j;
                y0 = xp.fma(FloatVector.fromArray(S, mat, row), y0);
                y1 = xp.fma(FloatVector.fromArray(S, mat, row + L), y1);
                y2 = xp.fma(FloatVector.fromArray(S, mat, row + 2 * L), y2);
                y3 = xp.fma(FloatVector.fromArray(S, mat, row + 3 * L), y3);
            }
            int o = j - from;
            y0.intoArray(y, o);
            y1.intoArray(y, o + L);
            y2.intoArray(y, o + 2 * L);
            y3.intoArray(y, o + 3 * L);
        }
        for (; j + L <= to; j += L) {
            FloatVector y0 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                y0 = FloatVector.broadcast(S, x[xAt + p]).fma(FloatVector.fromArray(S, mat, mOff + p * ld + j), y0);
            }
            y0.intoArray(y, j - from);
        }
        for (; j < to; j++) {
            float s = 0;
            for (int p = 0; p < k; p++) s = Math.fma(x[xAt + p], mat[mOff + p * ld + j], s);
            y[j - from] = s;
        }
    }

    /**
     * {@link #axpys} with y in memory: for each block of {@link #STREAM_BLOCK} columns, {@code y = 0}, then
     * {@code y = fma(x[p], M[p][block], y)} for p ascending, four rows of M per pass over the block (y is loaded
     * and stored once per four fmas), each row read as one contiguous run.
     */
    static void axpysStreaming(int k, float[] x, int xAt, float[] mat, int mOff, int ld, int from, int to, float[] y) {
        int k4 = k - k % 4;
        for (int start = from; start < to; start += STREAM_BLOCK) {
            int end = Math.min(to, start + STREAM_BLOCK), o = start - from, width = end - start, wv = width - width % L;
            Arrays.fill(y, o, o + width, 0f);
            int p = 0;
            for (; p < k4; p += 4) {
                float x0 = x[xAt + p], x1 = x[xAt + p + 1], x2 = x[xAt + p + 2], x3 = x[xAt + p + 3];
                FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
                FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
                int r0 = mOff + p * ld + start, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
                for (int j = 0; j < wv; j += L) {
                    FloatVector acc = FloatVector.fromArray(S, y, o + j);
                    acc = v0.fma(FloatVector.fromArray(S, mat, r0 + j), acc);
                    acc = v1.fma(FloatVector.fromArray(S, mat, r1 + j), acc);
                    acc = v2.fma(FloatVector.fromArray(S, mat, r2 + j), acc);
                    acc = v3.fma(FloatVector.fromArray(S, mat, r3 + j), acc);
                    acc.intoArray(y, o + j);
                }
                for (int j = wv; j < width; j++) {
                    y[o + j] = Math.fma(x3, mat[r3 + j], Math.fma(x2, mat[r2 + j], Math.fma(x1, mat[r1 + j], Math.fma(x0, mat[r0 + j], y[o + j]))));
                }
            }
            for (; p < k; p++) {
                float xp = x[xAt + p];
                FloatVector xv = FloatVector.broadcast(S, xp);
                int row = mOff + p * ld + start;
                for (int j = 0; j < wv; j += L) {
                    xv.fma(FloatVector.fromArray(S, mat, row + j), FloatVector.fromArray(S, y, o + j)).intoArray(y, o + j);
                }
                for (int j = wv; j < width; j++) y[o + j] = Math.fma(xp, mat[row + j], y[o + j]);
            }
        }
    }

    /** {@code y[j-from] = Σ_p x[xAt+p]·M[j][p]} for j in [from, to), M at {@code mOff} with leading dimension ld. */
    static void dots(int k, float[] x, int xAt, float[] mat, int mOff, int ld, int from, int to, float[] y, float[] lanes) {
        int kv = k - k % L;
        int j = from;
        for (; j + 4 <= to; j += 4) {
            int r0 = mOff + j * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += L) {
                FloatVector xp = FloatVector.fromArray(S, x, xAt + p);
                s0 = xp.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
                s1 = xp.fma(FloatVector.fromArray(S, mat, r1 + p), s1);
                s2 = xp.fma(FloatVector.fromArray(S, mat, r2 + p), s2);
                s3 = xp.fma(FloatVector.fromArray(S, mat, r3 + p), s3);
            }
            int o = j - from;
            y[o] = tail(k, kv, x, xAt, mat, r0, sum(s0, lanes));
            y[o + 1] = tail(k, kv, x, xAt, mat, r1, sum(s1, lanes));
            y[o + 2] = tail(k, kv, x, xAt, mat, r2, sum(s2, lanes));
            y[o + 3] = tail(k, kv, x, xAt, mat, r3, sum(s3, lanes));
        }
        for (; j < to; j++) {
            int r0 = mOff + j * ld;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += L) s0 = FloatVector.fromArray(S, x, xAt + p).fma(FloatVector.fromArray(S, mat, r0 + p), s0);
            y[j - from] = tail(k, kv, x, xAt, mat, r0, sum(s0, lanes));
        }
    }

    /**
     * Sum of the lanes of {@code v}, lane 0 first, through the {@code lanes} scratch. Unlike
     * {@code reduceLanes}, whose order may differ between the interpreter and compiled code, this fixes the
     * bits of every dot product.
     */
    private static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (int i = 0; i < L; i++) s += lanes[i];
        return s;
    }

    /** Adds the scalar tail {@code p in [kv, k)} of one dot product to its vector part {@code s}. */
    private static float tail(int k, int kv, float[] x, int xAt, float[] mat, int row, float s) {
        for (int p = kv; p < k; p++) s = Math.fma(x[xAt + p], mat[row + p], s);
        return s;
    }
}
