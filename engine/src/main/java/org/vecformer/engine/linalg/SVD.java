package org.vecformer.engine.linalg;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Thin singular value decomposition A = U·diag(s)·Vᵀ by one-sided Jacobi (Hestenes; Demmel &amp; Veselić
 * 1992): plane rotations applied to pairs of columns of A until every pair is orthogonal, accumulating
 * the same rotations in V. Slower than Golub–Kahan for large matrices, but short and accurate, which is
 * what circuit analysis at d_head, d_model ≤ a few hundred needs.
 *
 * <p>For A [m, n] and k = min(m, n): U [m, k] and V [n, k] have orthonormal columns, s[0] ≥ … ≥ s[k−1] ≥ 0.
 * Columns of U belonging to zero singular values (exact zeros, and rounding noise set to zero as
 * described at {@link #of}) are completed to an orthonormal set.
 *
 * @param u [m, k], left singular vectors as columns
 * @param s the k singular values, descending
 * @param v [n, k], right singular vectors as columns
 */
public record SVD(Matrix u, double[] s, Matrix v) {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_SWEEPS = 60;

    /**
     * The thin SVD of {@code a} [m, n]. A pair of columns (a_i, a_j) with α = a_i·a_i, β = a_j·a_j,
     * γ = a_i·a_j is rotated when |γ| &gt; m·ε·sqrt(αβ): ζ = (β − α)/(2γ), t = sign(ζ)/(|ζ| + sqrt(1 + ζ²)),
     * c = 1/sqrt(1 + t²), s = c·t, a_i ← c·a_i − s·a_j, a_j ← s·a_i + c·a_j, which makes a_i·a_j = 0.
     * Columns of norm ≤ ε·‖A‖_F take part in no rotation (they are rounding noise and could otherwise
     * rotate forever); one that is not orthogonal to the others at the end is set to zero. On convergence
     * s_j = ‖a_j‖ and u_j = a_j / s_j.
     */
    public static SVD of(Matrix a) {
        if (a.rows() < a.cols()) {
            SVD t = of(a.transpose()); // Aᵀ = U'SV'ᵀ, so A = V'SU'ᵀ
            return new SVD(t.v, t.s, t.u);
        }
        int m = a.rows(), n = a.cols();
        if (!Double.isFinite(a.frobeniusNorm())) throw new ArithmeticException("SVD of a matrix with NaN or infinite entries");
        double[][] u = new double[n][m]; // u[j]: column j of A, rotated in place
        double[][] v = new double[n][n]; // v[j]: column j of V
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) u[j][i] = a.get(i, j);
            v[j][j] = 1;
        }
        double tolerance = m * EPS, negligible = EPS * a.frobeniusNorm();
        double[] gram = new double[3];
        for (int sweep = 0; ; sweep++) {
            if (sweep == MAX_SWEEPS) throw new ArithmeticException("one-sided Jacobi SVD did not converge in " + MAX_SWEEPS + " sweeps");
            boolean rotated = false;
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    double[] g = gram(u[i], u[j], gram);
                    double alpha = g[0], beta = g[1], gamma = g[2];
                    if (Math.sqrt(Math.min(alpha, beta)) <= negligible) continue;
                    if (Math.abs(gamma) <= tolerance * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.copySign(1, zeta) / (Math.abs(zeta) + Math.hypot(1, zeta));
                    double c = 1 / Math.sqrt(1 + t * t), s = c * t;
                    rotate(u[i], u[j], c, s);
                    rotate(v[i], v[j], c, s);
                }
            }
            if (!rotated) break;
        }
        double[] sigma = new double[n];
        for (int j = 0; j < n; j++) sigma[j] = Math.sqrt(dot(u[j], u[j]));
        for (int j = 0; j < n; j++) {
            if (sigma[j] <= negligible && !orthogonalToOthers(u, sigma, j, tolerance)) {
                sigma[j] = 0; // rounding noise inside the span of the other columns
                Arrays.fill(u[j], 0);
            }
        }
        for (int j = 0; j < n; j++) {
            if (sigma[j] > 0) for (int p = 0; p < m; p++) u[j][p] /= sigma[j];
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> sigma[j]).reversed());
        double[] s = new double[n];
        double[][] uSorted = new double[n][], vSorted = new double[n][];
        for (int j = 0; j < n; j++) {
            s[j] = sigma[order[j]];
            uSorted[j] = u[order[j]];
            vSorted[j] = v[order[j]];
        }
        for (int j = 0; j < n; j++) {
            if (s[j] == 0) uSorted[j] = orthogonalComplement(uSorted, j, m);
        }
        return new SVD(fromColumns(uSorted, m), s, fromColumns(vSorted, n));
    }

    /**
     * out = (x·x, y·y, x·y) in one pass, each sum split over even and odd p so that the six running sums
     * are independent (the loop is bound by add latency otherwise).
     */
    private static double[] gram(double[] x, double[] y, double[] out) {
        double xx0 = 0, yy0 = 0, xy0 = 0, xx1 = 0, yy1 = 0, xy1 = 0;
        int p = 0;
        for (; p + 1 < x.length; p += 2) {
            double x0 = x[p], y0 = y[p], x1 = x[p + 1], y1 = y[p + 1];
            xx0 += x0 * x0;
            yy0 += y0 * y0;
            xy0 += x0 * y0;
            xx1 += x1 * x1;
            yy1 += y1 * y1;
            xy1 += x1 * y1;
        }
        if (p < x.length) {
            xx0 += x[p] * x[p];
            yy0 += y[p] * y[p];
            xy0 += x[p] * y[p];
        }
        out[0] = xx0 + xx1;
        out[1] = yy0 + yy1;
        out[2] = xy0 + xy1;
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int p = 0; p < x.length; p++) s += x[p] * y[p];
        return s;
    }

    /** Whether column j passes the rotation test |a_i·a_j| ≤ tol·‖a_i‖·‖a_j‖ against every other non-zero column. */
    private static boolean orthogonalToOthers(double[][] u, double[] sigma, int j, double tolerance) {
        for (int i = 0; i < u.length; i++) {
            if (i != j && sigma[i] > 0 && Math.abs(dot(u[i], u[j])) > tolerance * sigma[i] * sigma[j]) return false;
        }
        return true;
    }

    /** x ← c·x − s·y, y ← s·x + c·y (the old x on the right). */
    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int p = 0; p < x.length; p++) {
            double xp = x[p], yp = y[p];
            x[p] = c * xp - s * yp;
            y[p] = s * xp + c * yp;
        }
    }

    /**
     * A unit vector orthogonal to every column of {@code cols} other than column j (columns still zero
     * do not constrain it): of the basis vectors e_p after two Gram–Schmidt passes, the longest residual,
     * normalised. The squared residual norms sum to the number of missing directions (≥ 1), so the longest
     * is at least 1/sqrt(m) long.
     */
    private static double[] orthogonalComplement(double[][] cols, int j, int m) {
        double[] best = null;
        double bestNorm = 0;
        for (int p = 0; p < m; p++) {
            double[] e = new double[m];
            e[p] = 1;
            for (int pass = 0; pass < 2; pass++) {
                for (int c = 0; c < cols.length; c++) {
                    if (c != j) {
                        double d = dot(cols[c], e);
                        for (int i = 0; i < m; i++) e[i] -= d * cols[c][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(e, e));
            if (norm > bestNorm) {
                best = e;
                bestNorm = norm;
            }
        }
        for (int i = 0; i < m; i++) best[i] /= bestNorm;
        return best;
    }

    private static Matrix fromColumns(double[][] cols, int rows) {
        Matrix m = new Matrix(rows, cols.length);
        for (int j = 0; j < cols.length; j++) {
            for (int i = 0; i < rows; i++) m.set(i, j, cols[j][i]);
        }
        return m;
    }
}
