package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The entries of a product tile at or above a threshold: for i in [0, m), j in [0, n),
 * {@code c[i][j] = Σ_p A[i][p]·B[p][j]} (A [m, k] row-major with leading dimension lda, B [k, n] with ldb),
 * and every (i, j) with {@code c[i][j] >= threshold} is reported as the flat index {@code i·n + j}, in
 * row-major order. A NaN entry is never reported. Sums run in float with fused multiply-adds (by
 * {@link Gemm}, in p order within each of its k slices), so they differ from the exact sum by at most about
 * (k + 1)·2⁻²⁴·Σ_p |A[i][p]·B[p][j]|; callers that need the exact set re-score what is near the threshold.
 * Twin: {@link org.vecformer.engine.reference.RefProductAbove}.
 *
 * <p>The tile is computed by the GEMM into this thread's scratch ({@code m × n} floats, reused) and then
 * compared with the threshold a vector at a time: the product is the whole cost, and the GEMM's register
 * tile is the fastest way we have to compute it.
 */
public final class ProductAbove {
    private static final VectorSpecies<Float> S = Simd.F;

    private ProductAbove() {}

    /**
     * Writes the flat indices {@code i·n + j} of the entries {@code (A·B)[i][j] >= threshold} into
     * {@code hits} (which must hold m·n ints) and returns how many there are.
     */
    public static int above(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float threshold, int[] hits) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        if (hits.length < (long) m * n) throw new IllegalArgumentException("hits holds " + hits.length + " ints, needs " + (long) m * n);
        if (m == 0 || n == 0) return 0;
        float[] c = GemmScratch.local().product(m * n); // [m, n]
        Gemm.sgemm(Transpose.N, Transpose.N, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, 0, n);
        int size = m * n, at = 0, count = 0;
        FloatVector t = FloatVector.broadcast(S, threshold);
        for (; at + S.length() <= size; at += S.length()) {
            long bits = FloatVector.fromArray(S, c, at).compare(VectorOperators.GE, t).toLong();
            for (; bits != 0; bits &= bits - 1) hits[count++] = at + Long.numberOfTrailingZeros(bits);
        }
        for (; at < size; at++) if (c[at] >= threshold) hits[count++] = at;
        return count;
    }
}
