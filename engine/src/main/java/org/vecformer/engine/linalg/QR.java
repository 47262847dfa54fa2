package org.vecformer.engine.linalg;

/**
 * Thin QR decomposition A = Q·R by Householder reflections (Golub &amp; Van Loan, §5.2).
 *
 * <p>For A [m, n] and k = min(m, n): Q [m, k] has orthonormal columns (QᵀQ = I_k) and R [k, n] is upper
 * triangular (R[i][j] = 0 for i &gt; j). Reflection j is H_j = I − 2·v·vᵀ/(vᵀv), chosen so that it maps
 * column j of the partly reduced matrix, rows j..m−1, onto α·e_1 with α = −sign(x_0)·‖x‖ (no cancellation);
 * then R = H_{k−1}···H_0·A (first k rows) and Q = H_0···H_{k−1}·[I_k; 0]. Diagonal entries of R may be
 * negative.
 *
 * @param q [m, k], orthonormal columns
 * @param r [k, n], upper triangular
 */
public record QR(Matrix q, Matrix r) {

    /** Householder QR of {@code a} [m, n]: returns Q [m, k], R [k, n] with A = Q·R, k = min(m, n). */
    public static QR of(Matrix a) {
        int m = a.rows(), n = a.cols(), k = Math.min(m, n);
        double[] w = a.data().clone(); // [m, n], reduced in place to R in its top k rows
        double[][] v = new double[k][]; // v[j]: Householder vector for rows j..m-1
        double[] vv = new double[k]; // vᵀv, 0 when column j was already zero (H_j = I)
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (int i = j; i < m; i++) norm = Math.hypot(norm, w[i * n + j]);
            double[] vj = new double[m - j];
            v[j] = vj;
            if (norm == 0) continue;
            double alpha = w[j * n + j] > 0 ? -norm : norm;
            for (int i = j; i < m; i++) vj[i - j] = w[i * n + j];
            vj[0] -= alpha;
            double s = 0;
            for (double x : vj) s += x * x;
            vv[j] = s;
            w[j * n + j] = alpha;
            for (int i = j + 1; i < m; i++) w[i * n + j] = 0;
            for (int c = j + 1; c < n; c++) reflect(vj, s, w, j, c, n);
        }
        Matrix r = new Matrix(k, n);
        for (int i = 0; i < k; i++) {
            for (int j = i; j < n; j++) r.set(i, j, w[i * n + j]);
        }
        double[] q = new double[m * k]; // [m, k], starts as [I_k; 0]
        for (int i = 0; i < k; i++) q[i * k + i] = 1;
        for (int j = k - 1; j >= 0; j--) {
            if (vv[j] == 0) continue;
            for (int c = 0; c < k; c++) reflect(v[j], vv[j], q, j, c, k);
        }
        return new QR(Matrix.of(m, k, q), r);
    }

    /** Applies I − 2·v·vᵀ/(vᵀv) to column c, rows from..from+|v|−1, of the row-major x [*, ld]. */
    private static void reflect(double[] v, double vtv, double[] x, int from, int c, int ld) {
        double s = 0;
        for (int i = 0; i < v.length; i++) s += v[i] * x[(from + i) * ld + c];
        double f = 2 * s / vtv;
        for (int i = 0; i < v.length; i++) x[(from + i) * ld + c] -= f * v[i];
    }
}
