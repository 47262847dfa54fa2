package org.vecformer.engine.kernel;

import org.vecformer.engine.parallel.Parallel;

/**
 * Single-precision GEMM, BLAS semantics on row-major data: {@code C = alpha·op(A)·op(B) + beta·C}
 * with op(A) [m,k], op(B) [k,n], C [m,n]; when {@code beta == 0} C's old contents (even NaN) are ignored,
 * and when {@code alpha == 0} or {@code k == 0} A and B are not read. Twin:
 * {@link org.vecformer.engine.reference.RefGemm}.
 *
 * <p>This class checks the arguments and dispatches: matrix-vector and small products go to
 * {@link GemmSmall} (no packing), everything else to the packed, cache-blocked {@link GemmPacked} with
 * its register-tiled {@link GemmMicroKernel}. The choice depends on the shape only and no path splits k,
 * so results are bitwise identical for any thread count. The packed path's k slices are as deep as this
 * machine's L1 allows ({@link #blocking()}): identical across thread counts and runs on one machine, they
 * may differ in the last bits on a machine with another L1.
 */
public final class Gemm {
    /** Products with at most this many multiply-adds skip packing. */
    static final long SMALL = 1 << 15;

    private Gemm() {}

    /**
     * The cache blocking of the packed path and where it came from, one line: kc, mc, nc, the micro-tile,
     * and the caches read at start-up or why the fixed constants apply ({@link GemmBlocking}).
     */
    public static String blocking() {
        return GemmBlocking.description();
    }

    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        dispatch(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} as {@link #sgemm(Transpose, Transpose, int, int, int, float, float[], int, int,
     * float[], int, int, float, float[], int, int)}, op(B) given as an {@link OperandB} of k rows and n columns: a
     * product on the packed path takes its B blocks from a packed operand instead of packing them, with the same bits.
     */
    public static void sgemm(Transpose transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             OperandB b, float beta, float[] c, int cOff, int ldc) {
        if (b == null) throw new IllegalArgumentException("gemm operand B must not be null");
        if (b.k() != k || b.n() != n) {
            throw new IllegalArgumentException("gemm operand B is [" + b.k() + "," + b.n() + "], the product needs op(B) [" + k + "," + n + "]");
        }
        checkArgs(transA, b.transB(), m, n, k, a, aOff, lda, b.b(), b.bOff(), b.ldb(), c, cOff, ldc);
        dispatch(transA, b.transB(), m, n, k, alpha, a, aOff, lda, b.b(), b.bOff(), b.ldb(), b, beta, c, cOff, ldc);
    }

    /**
     * The checked product to its path: matrix-vector shapes and at most {@link #SMALL} multiply-adds to {@link GemmSmall}
     * (B read in place), the rest to {@link GemmPacked}, with {@code operand} (null: B packed per product) for its B blocks.
     */
    private static void dispatch(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb, OperandB operand,
                                 float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (m <= 2 || n == 1 || (long) m * n * k <= SMALL) {
            GemmSmall.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (operand != null) {
            GemmPacked.sgemm(GemmBlocking.DEFAULT, transA, m, n, k, alpha, a, aOff, lda, operand, beta, c, cOff, ldc);
        } else {
            GemmPacked.sgemm(GemmBlocking.DEFAULT, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** {@code C = beta·C}, zeros when beta == 0 (old NaNs included). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1) return;
        Parallel.forRange(m, Math.max(1, (1 << 16) / n), (from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                if (beta == 0) java.util.Arrays.fill(c, ci, ci + n, 0f);
                else VectorOps.scale(n, beta, c, ci);
            }
        });
    }

    /** Rejects null or negative arguments, leading dimensions too small for the stored shapes, and arrays too short. */
    static void checkArgs(Transpose transA, Transpose transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (transA == null || transB == null) throw new IllegalArgumentException("gemm transpose flags must not be null");
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        int aRows = transA == Transpose.N ? m : k, aCols = transA == Transpose.N ? k : m;
        if (lda < Math.max(1, aCols)) throw new IllegalArgumentException("lda=" + lda + " < " + aCols + " columns of A");
        if (ldc < Math.max(1, n)) throw new IllegalArgumentException("ldc=" + ldc + " < " + n + " columns of C");
        checkExtent("A", a, aOff, aRows, aCols, lda);
        checkB(transB, k, n, b, bOff, ldb);
        checkExtent("C", c, cOff, m, n, ldc);
    }

    /** op(B) [k, n] (flag and sizes already checked): ldb against B's stored columns, and the array long enough. */
    static void checkB(Transpose transB, int k, int n, float[] b, int bOff, int ldb) {
        int bRows = transB == Transpose.N ? k : n, bCols = transB == Transpose.N ? n : k;
        if (ldb < Math.max(1, bCols)) throw new IllegalArgumentException("ldb=" + ldb + " < " + bCols + " columns of B");
        checkExtent("B", b, bOff, bRows, bCols, ldb);
    }

    private static void checkExtent(String name, float[] x, int off, int rows, int cols, int ld) {
        if (x == null) throw new IllegalArgumentException("gemm array " + name + " must not be null");
        if (off < 0) throw new IllegalArgumentException(name + " offset must be >= 0, not " + off);
        if (rows == 0 || cols == 0) return;
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > x.length) {
            throw new IllegalArgumentException(name + " [" + rows + "," + cols + "] with ld=" + ld + " at offset " + off
                    + " needs " + end + " floats, array has " + x.length);
        }
    }
}
