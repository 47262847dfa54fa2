package org.vecformer.engine.linalg;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Eigenvalues λ_k = re[k] + i·im[k] of a real square matrix (not necessarily symmetric), i.e. the roots
 * of det(A − λI) = 0 with multiplicity; complex ones come in conjugate pairs.
 *
 * <p>Method (Golub &amp; Van Loan, §7.4–7.5): Householder reduction to upper Hessenberg form
 * H = QᵀAQ, then the implicit Francis double-shift QR iteration with deflation. A subdiagonal entry
 * h[k][k−1] counts as zero once |h[k][k−1]| ≤ ε·(|h[k−1][k−1]| + |h[k][k]|); each deflated 1×1 block is
 * a real eigenvalue, each 2×2 block gives a real pair or a complex conjugate pair. Eigenvectors are not
 * computed. Sorted by descending modulus |λ|, ties by descending re, then descending im.
 *
 * @param re real parts, one per eigenvalue
 * @param im imaginary parts (0 for real eigenvalues; a pair appears as +b, −b)
 */
public record Eigen(double[] re, double[] im) {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_ITERATIONS_PER_EIGENVALUE = 60;

    /** The eigenvalues of the square matrix {@code a} [n, n], n of them, by descending modulus. */
    public static Eigen of(Matrix a) {
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("eigenvalues need a square matrix, not [" + a.rows() + ", " + a.cols() + "]");
        }
        int n = a.rows();
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) h[i] = a.row(i);
        for (double[] row : h) {
            for (double x : row) {
                if (!Double.isFinite(x)) throw new ArithmeticException("eigenvalues of a matrix with NaN or infinite entries");
            }
        }
        toHessenberg(h);
        double[] re = new double[n], im = new double[n];
        francisQR(h, re, im);
        return sorted(re, im);
    }

    /** Number of eigenvalues. */
    public int size() {
        return re.length;
    }

    /** Modulus |λ_k| = sqrt(re² + im²). */
    public double modulus(int k) {
        return Math.hypot(re[k], im[k]);
    }

    /**
     * Reduces h in place to upper Hessenberg form QᵀhQ: for each column k, a reflection of rows k+1..n−1
     * zeroes h[k+2..n−1][k], applied from the left and (on columns k+1..n−1) from the right.
     */
    private static void toHessenberg(double[][] h) {
        int n = h.length;
        for (int k = 0; k < n - 2; k++) {
            int len = n - k - 1;
            double norm = 0;
            for (int i = k + 1; i < n; i++) norm = Math.hypot(norm, h[i][k]);
            if (norm == 0) continue;
            double alpha = h[k + 1][k] > 0 ? -norm : norm;
            double[] v = new double[len];
            for (int i = 0; i < len; i++) v[i] = h[k + 1 + i][k];
            v[0] -= alpha;
            double vtv = 0;
            for (double x : v) vtv += x * x;
            for (int c = k; c < n; c++) { // left: rows k+1..n-1
                double s = 0;
                for (int i = 0; i < len; i++) s += v[i] * h[k + 1 + i][c];
                double f = 2 * s / vtv;
                for (int i = 0; i < len; i++) h[k + 1 + i][c] -= f * v[i];
            }
            for (double[] row : h) { // right: columns k+1..n-1
                double s = 0;
                for (int i = 0; i < len; i++) s += row[k + 1 + i] * v[i];
                double f = 2 * s / vtv;
                for (int i = 0; i < len; i++) row[k + 1 + i] -= f * v[i];
            }
            h[k + 1][k] = alpha;
            for (int i = k + 2; i < n; i++) h[i][k] = 0;
        }
    }

    /**
     * Francis double-shift QR on the Hessenberg h, writing eigenvalue pairs into re/im. The active
     * window is rows/columns lo..hi; transformations touch only that window, which is enough because
     * the eigenvalues of a block upper triangular matrix are those of its diagonal blocks.
     */
    private static void francisQR(double[][] h, double[] re, double[] im) {
        int n = h.length;
        double norm = 0;
        for (double[] row : h) for (double x : row) norm = Math.hypot(norm, x);
        int hi = n - 1, iterations = 0;
        while (hi >= 0) {
            int lo = hi;
            while (lo > 0) {
                double s = Math.abs(h[lo - 1][lo - 1]) + Math.abs(h[lo][lo]);
                if (Math.abs(h[lo][lo - 1]) <= EPS * (s == 0 ? norm : s)) {
                    h[lo][lo - 1] = 0;
                    break;
                }
                lo--;
            }
            if (lo == hi) {
                re[hi] = h[hi][hi];
                hi--;
                iterations = 0;
            } else if (lo == hi - 1) {
                twoByTwo(h[hi - 1][hi - 1], h[hi - 1][hi], h[hi][hi - 1], h[hi][hi], re, im, hi - 1);
                hi -= 2;
                iterations = 0;
            } else {
                if (++iterations > MAX_ITERATIONS_PER_EIGENVALUE) {
                    throw new ArithmeticException("QR iteration did not converge for a block of size " + (hi - lo + 1));
                }
                francisStep(h, lo, hi, iterations % 10 == 0);
            }
        }
    }

    /**
     * Eigenvalues of [[a, b], [c, d]]: λ = (a+d)/2 ± sqrt(((a−d)/2)² + b·c). A real pair is formed
     * as d + z and d − b·c/z with z = p + sign(p)·sqrt(disc), p = (a−d)/2, avoiding cancellation.
     */
    private static void twoByTwo(double a, double b, double c, double d, double[] re, double[] im, int at) {
        double p = (a - d) / 2, disc = p * p + b * c;
        if (disc >= 0) {
            double z = p + Math.copySign(Math.sqrt(disc), p);
            re[at] = d + z;
            re[at + 1] = z == 0 ? d : d - b * c / z;
        } else {
            double mid = d + p, w = Math.sqrt(-disc);
            re[at] = mid;
            re[at + 1] = mid;
            im[at] = w;
            im[at + 1] = -w;
        }
    }

    /**
     * One implicit double-shift step on the window lo..hi (at least 3×3): the shifts are the eigenvalues
     * of the trailing 2×2 block (sum s, product t), or after every 10 fruitless steps an exceptional pair
     * built from the last subdiagonals. The first column of (H − σ₁I)(H − σ₂I) = H² − sH + tI is
     * (x, y, z, 0, …); a 3-reflection on it creates a bulge that successive reflections chase down.
     */
    private static void francisStep(double[][] h, int lo, int hi, boolean exceptional) {
        double s, t;
        if (exceptional) {
            double w = Math.abs(h[hi][hi - 1]) + Math.abs(h[hi - 1][hi - 2]);
            double centre = h[hi][hi] + 0.75 * w;
            s = 2 * centre;
            t = centre * centre + 0.4375 * w * w;
        } else {
            s = h[hi - 1][hi - 1] + h[hi][hi];
            t = h[hi - 1][hi - 1] * h[hi][hi] - h[hi - 1][hi] * h[hi][hi - 1];
        }
        double x = h[lo][lo] * h[lo][lo] + h[lo][lo + 1] * h[lo + 1][lo] - s * h[lo][lo] + t;
        double y = h[lo + 1][lo] * (h[lo][lo] + h[lo + 1][lo + 1] - s);
        double z = h[lo + 1][lo] * h[lo + 2][lo + 1];
        double[] v = new double[3];
        for (int k = lo; k < hi; k++) {
            int len = Math.min(3, hi - k + 1); // 3, and 2 for the last step
            if (k > lo) {
                x = h[k][k - 1];
                y = h[k + 1][k - 1];
                z = len == 3 ? h[k + 2][k - 1] : 0;
            }
            double norm = Math.hypot(Math.hypot(x, y), z);
            if (norm == 0) continue;
            double alpha = x > 0 ? -norm : norm;
            v[0] = x - alpha;
            v[1] = y;
            v[2] = z;
            double vtv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
            for (int c = Math.max(k - 1, lo); c <= hi; c++) { // left: rows k..k+len-1
                double d = 0;
                for (int i = 0; i < len; i++) d += v[i] * h[k + i][c];
                double f = 2 * d / vtv;
                for (int i = 0; i < len; i++) h[k + i][c] -= f * v[i];
            }
            for (int r = lo, last = Math.min(k + 3, hi); r <= last; r++) { // right: columns k..k+len-1
                double d = 0;
                for (int i = 0; i < len; i++) d += h[r][k + i] * v[i];
                double f = 2 * d / vtv;
                for (int i = 0; i < len; i++) h[r][k + i] -= f * v[i];
            }
            if (k > lo) {
                h[k][k - 1] = alpha;
                h[k + 1][k - 1] = 0;
                if (len == 3) h[k + 2][k - 1] = 0;
            }
        }
    }

    private static Eigen sorted(double[] re, double[] im) {
        Integer[] order = new Integer[re.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Comparator<Integer> byModulus = Comparator.comparingDouble(i -> Math.hypot(re[i], im[i]));
        Arrays.sort(order, byModulus.thenComparingDouble(i -> re[i]).thenComparingDouble(i -> im[i]).reversed());
        double[] r = new double[re.length], m = new double[re.length];
        for (int i = 0; i < order.length; i++) {
            r[i] = re[order[i]];
            m[i] = im[order[i]];
        }
        return new Eigen(r, m);
    }
}
