package org.vecformer.engine.reference;

/**
 * Scalar twin of {@link org.vecformer.engine.kernel.ProductAbove}: the flat indices {@code i·n + j}, in
 * row-major order, of the entries {@code c[i][j] = Σ_p A[i][p]·B[p][j] >= threshold} of A [m, k] (leading
 * dimension lda) times B [k, n] (ldb), each sum accumulated in double.
 */
public final class RefProductAbove {
    private RefProductAbove() {}

    public static int above(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float threshold, int[] hits) {
        int count = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[aOff + i * lda + p] * b[bOff + p * ldb + j];
                if (s >= threshold) hits[count++] = i * n + j;
            }
        }
        return count;
    }
}
