package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The entries of a product tile at or above a threshold, without storing the tile: for i in [0, m), j in
 * [0, n), {@code c[i][j] = Σ_p A[i][p]·B[p][j]} (A [m, k] row-major with leading dimension lda, B [k, n] with
 * ldb), and every (i, j) with {@code c[i][j] >= threshold} is reported as the flat index {@code i·n + j}, in
 * row-major order. A NaN entry is never reported. Sums run in float with fused multiply-adds in p order, so
 * they differ from the exact sum by at most about (k + 1)·2⁻²⁴·Σ_p |A[i][p]·B[p][j]|; callers that need the
 * exact set re-score what is near the threshold. Twin: {@link org.vecformer.engine.reference.RefProductAbove}.
 *
 * <p>Register blocking: four rows × three vectors of columns accumulate over p in twelve registers, then are
 * spilled to a small scratch block and compared with the threshold, so the whole tile never goes to memory. Tails: single rows, then columns
 * one vector at a time, then scalar.
 */
public final class ProductAbove {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int ROWS = 4, VECTORS = 3;

    private ProductAbove() {}

    /**
     * Writes the flat indices {@code i·n + j} of the entries {@code (A·B)[i][j] >= threshold} into
     * {@code hits} (which must hold m·n ints) and returns how many there are.
     */
    public static int above(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float threshold, int[] hits) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        if (hits.length < (long) m * n) throw new IllegalArgumentException("hits holds " + hits.length + " ints, needs " + (long) m * n);
        int lanes = S.length(), wide = VECTORS * lanes, count = 0;
        FloatVector t = FloatVector.broadcast(S, threshold);
        float[] acc = new float[ROWS * wide]; // [ROWS, wide] spilled accumulators
        int j = 0;
        for (; j + wide <= n; j += wide) {
            int i = 0;
            for (; i + ROWS <= m; i += ROWS) count = block4x3(i, j, n, k, a, aOff, lda, b, bOff, ldb, t, hits, count, acc);
            for (; i < m; i++) {
                for (int v = 0; v < VECTORS; v++) count = rowVector(i, j + v * lanes, n, k, a, aOff, lda, b, bOff, ldb, t, hits, count);
            }
        }
        for (; j + lanes <= n; j += lanes) {
            for (int i = 0; i < m; i++) count = rowVector(i, j, n, k, a, aOff, lda, b, bOff, ldb, t, hits, count);
        }
        for (; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s = Math.fma(a[aOff + i * lda + p], b[bOff + p * ldb + j], s);
                if (s >= threshold) count = record(hits, count, i * n + j);
            }
        }
        return count <= 1 ? count : sortRowMajor(hits, count);
    }

    /**
     * Rows i..i+3 × columns j..j+3·lanes: twelve accumulators over p, spilled to {@code acc} [4, 3·lanes] and
     * compared from there, the pattern {@link GemmMicroKernel} uses to keep C2 from boxing accumulators in the p loop.
     */
    private static int block4x3(int i, int j, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                FloatVector t, int[] hits, int count, float[] acc) {
        int lanes = S.length();
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + lanes);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * lanes);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
        }
        int w = VECTORS * lanes;
        c00.intoArray(acc, 0);
        c01.intoArray(acc, lanes);
        c02.intoArray(acc, 2 * lanes);
        c10.intoArray(acc, w);
        c11.intoArray(acc, w + lanes);
        c12.intoArray(acc, w + 2 * lanes);
        c20.intoArray(acc, 2 * w);
        c21.intoArray(acc, 2 * w + lanes);
        c22.intoArray(acc, 2 * w + 2 * lanes);
        c30.intoArray(acc, 3 * w);
        c31.intoArray(acc, 3 * w + lanes);
        c32.intoArray(acc, 3 * w + 2 * lanes);
        for (int q = 0; q < ROWS; q++) {
            for (int v = 0; v < VECTORS; v++) {
                count = compare(FloatVector.fromArray(S, acc, q * w + v * lanes), t, (i + q) * n + j + v * lanes, hits, count);
            }
        }
        return count;
    }

    /** Row i × columns j..j+lanes. */
    private static int rowVector(int i, int j, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 FloatVector t, int[] hits, int count) {
        FloatVector c = FloatVector.zero(S);
        int ai = aOff + i * lda;
        for (int p = 0; p < k; p++) c = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[ai + p]), c);
        return compare(c, t, i * n + j, hits, count);
    }

    /** Appends {@code flat + lane} for each lane of c at or above t. */
    private static int compare(FloatVector c, FloatVector t, int flat, int[] hits, int count) {
        long bits = c.compare(VectorOperators.GE, t).toLong();
        while (bits != 0) {
            count = record(hits, count, flat + Long.numberOfTrailingZeros(bits));
            bits &= bits - 1;
        }
        return count;
    }

    private static int record(int[] hits, int count, int flat) {
        hits[count] = flat;
        return count + 1;
    }

    /** The blocks report out of row-major order; hits are few, so a sort puts them back. */
    private static int sortRowMajor(int[] hits, int count) {
        java.util.Arrays.sort(hits, 0, count);
        return count;
    }
}
