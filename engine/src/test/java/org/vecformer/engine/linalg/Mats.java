package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/** Test helpers: seeded random matrices, EJML as the independent reference, and matrix assertions. */
final class Mats {
    /** The sizes every decomposition is checked at. */
    static final int[] SIZES = {1, 2, 3, 7, 50, 200};

    private Mats() {}

    /** Entries uniform in [−1, 1). */
    static Matrix random(Random rng, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, 2 * rng.nextDouble() - 1);
        }
        return m;
    }

    /** A random matrix [n, n] with orthonormal columns (EJML). */
    static Matrix orthogonal(Random rng, int n) {
        return fromEjml(RandomMatrices_DDRM.orthogonal(n, n, rng));
    }

    static Matrix diagonal(double... d) {
        Matrix m = new Matrix(d.length, d.length);
        for (int i = 0; i < d.length; i++) m.set(i, i, d[i]);
        return m;
    }

    static DMatrixRMaj toEjml(Matrix m) {
        DMatrixRMaj e = new DMatrixRMaj(m.rows(), m.cols());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) e.set(i, j, m.get(i, j));
        }
        return e;
    }

    static Matrix fromEjml(DMatrixRMaj e) {
        Matrix m = new Matrix(e.numRows, e.numCols);
        for (int i = 0; i < e.numRows; i++) {
            for (int j = 0; j < e.numCols; j++) m.set(i, j, e.get(i, j));
        }
        return m;
    }

    /** A·B by EJML. */
    static Matrix ejmlMultiply(Matrix a, Matrix b) {
        DMatrixRMaj c = new DMatrixRMaj(a.rows(), b.cols());
        CommonOps_DDRM.mult(toEjml(a), toEjml(b), c);
        return fromEjml(c);
    }

    /** EJML's eigenvalues of a, as {re[], im[]}. */
    static double[][] ejmlEigenvalues(Matrix a) {
        var eig = DecompositionFactory_DDRM.eig(a.rows(), false);
        assertTrue(eig.decompose(toEjml(a)), "EJML eig failed");
        int n = eig.getNumberOfEigenvalues();
        double[][] out = new double[2][n];
        for (int k = 0; k < n; k++) {
            out[0][k] = eig.getEigenvalue(k).real;
            out[1][k] = eig.getEigenvalue(k).imaginary;
        }
        return out;
    }

    /** EJML's singular values of a, descending, min(m, n) of them. */
    static double[] ejmlSingularValues(Matrix a) {
        var svd = DecompositionFactory_DDRM.svd(a.rows(), a.cols(), false, false, true);
        assertTrue(svd.decompose(toEjml(a)), "EJML svd failed");
        double[] s = Arrays.copyOf(svd.getSingularValues(), Math.min(a.rows(), a.cols()));
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    static double maxAbsDiff(Matrix x, Matrix y) {
        assertEquals(x.rows(), y.rows(), "rows");
        assertEquals(x.cols(), y.cols(), "cols");
        double d = 0;
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) d = Math.max(d, Math.abs(x.get(i, j) - y.get(i, j)));
        }
        return d;
    }

    static void assertClose(Matrix expected, Matrix actual, double tolerance, String what) {
        double d = maxAbsDiff(expected, actual);
        assertTrue(d <= tolerance, what + ": max |difference| " + d + " > " + tolerance);
    }

    /** QᵀQ == I within tolerance. */
    static void assertOrthonormalColumns(Matrix q, double tolerance, String what) {
        assertClose(Matrix.identity(q.cols()), q.transpose().multiply(q), tolerance, what + " columns orthonormal");
    }

    /**
     * Each eigenvalue in (re, im) is matched to the nearest unused one of (expRe, expIm); every match must be
     * within tolerance, so the two lists are equal as multisets.
     */
    static void assertSameEigenvalues(double[] expRe, double[] expIm, Eigen actual, double tolerance) {
        assertEquals(expRe.length, actual.size(), "number of eigenvalues");
        boolean[] used = new boolean[expRe.length];
        for (int k = 0; k < actual.size(); k++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int e = 0; e < expRe.length; e++) {
                double d = Math.hypot(actual.re()[k] - expRe[e], actual.im()[k] - expIm[e]);
                if (!used[e] && d < bestDistance) {
                    best = e;
                    bestDistance = d;
                }
            }
            used[best] = true;
            assertTrue(bestDistance <= tolerance, "eigenvalue " + actual.re()[k] + " + " + actual.im()[k]
                    + "i: nearest expected is " + bestDistance + " away (tolerance " + tolerance + ")");
        }
    }
}
