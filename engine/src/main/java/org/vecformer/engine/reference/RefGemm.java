package org.vecformer.engine.reference;

import org.vecformer.engine.kernel.OperandB;
import org.vecformer.engine.kernel.Transpose;

/**
 * Scalar twin of the SIMD GEMM: {@code C = alpha·op(A)·op(B) + beta·C}, row-major, BLAS semantics.
 *
 * <p>Shapes: op(A) is [m,k], op(B) is [k,n], C is [m,n] with leading dimension ldc. A stored as-is
 * ({@code N}) is [m,k] with {@code lda >= k}; stored transposed ({@code T}) it is [k,m] with
 * {@code lda >= m}; likewise for B. When {@code beta == 0} C's old contents (even NaN) are ignored.
 * Each dot product accumulates in double.
 */
public final class RefGemm {
    private RefGemm() {}

    /** The same product with op(B) given as an {@link OperandB}, always read in place (its source array). */
    public static void sgemm(Transpose transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             OperandB b, float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, b.transB(), m, n, k, alpha, a, aOff, lda, b.b(), b.bOff(), b.ldb(), beta, c, cOff, ldc);
    }

    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[transA.index(aOff, lda, i, p)] * b[transB.index(bOff, ldb, p, j)];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (beta == 0 ? alpha * s : alpha * s + (double) beta * c[ci]);
            }
        }
    }
}
