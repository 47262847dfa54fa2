package org.vecformer.engine.kernel;

import java.util.Arrays;
import org.vecformer.engine.parallel.Parallel;

/**
 * Single-precision GEMM, BLAS semantics on row-major data: {@code C = alpha·op(A)·op(B) + beta·C}
 * with op(A) [m,k], op(B) [k,n], C [m,n]; when {@code beta == 0} C's old contents (even NaN) are ignored.
 * Twin: {@link org.vecformer.engine.reference.RefGemm}.
 *
 * <p>This first version streams rows: for op(B) = B each row of C is a sum of axpys of B's rows, for
 * op(B) = Bᵀ each element is a SIMD dot product. Parallel over rows of C, so results do not depend on
 * the thread count.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArgs(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        int grain = Math.max(1, Math.min(64, (int) (65536L / Math.max(1L, (long) n * Math.max(k, 1)))));
        Parallel.forRange(m, grain, (from, to) -> {
            float[] aRow = transA == Transpose.T ? new float[k] : null;
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                if (beta == 0) Arrays.fill(c, ci, ci + n, 0f);
                else if (beta != 1) VectorOps.scale(n, beta, c, ci);
                float[] rowArr = a;
                int rowOff = aOff + i * lda;
                if (aRow != null) {
                    for (int p = 0; p < k; p++) aRow[p] = a[aOff + p * lda + i];
                    rowArr = aRow;
                    rowOff = 0;
                }
                if (transB == Transpose.N) {
                    for (int p = 0; p < k; p++) VectorOps.axpy(n, alpha * rowArr[rowOff + p], b, bOff + p * ldb, c, ci);
                } else {
                    for (int j = 0; j < n; j++) c[ci + j] += alpha * VectorOps.dot(k, rowArr, rowOff, b, bOff + j * ldb);
                }
            }
        });
    }

    /** Rejects negative sizes and leading dimensions too small for the stored shapes. */
    static void checkArgs(Transpose transA, Transpose transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        int aCols = transA == Transpose.N ? k : m, bCols = transB == Transpose.N ? n : k;
        if (lda < Math.max(1, aCols)) throw new IllegalArgumentException("lda=" + lda + " < " + aCols + " columns of A");
        if (ldb < Math.max(1, bCols)) throw new IllegalArgumentException("ldb=" + ldb + " < " + bCols + " columns of B");
        if (ldc < Math.max(1, n)) throw new IllegalArgumentException("ldc=" + ldc + " < " + n + " columns of C");
    }
}
