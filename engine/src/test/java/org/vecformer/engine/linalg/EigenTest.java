package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EigenTest {
    /** [[r·cos θ, −r·sin θ], [r·sin θ, r·cos θ]] placed at (at, at): eigenvalues r·(cos θ ± i sin θ). */
    private static void putRotation(Matrix m, int at, double r, double theta) {
        m.set(at, at, r * Math.cos(theta));
        m.set(at, at + 1, -r * Math.sin(theta));
        m.set(at + 1, at, r * Math.sin(theta));
        m.set(at + 1, at + 1, r * Math.cos(theta));
    }

    /** Q·D·Qᵀ for a random orthogonal Q: same eigenvalues as D, but a full matrix. */
    private static Matrix hide(Matrix d, long seed) {
        Matrix q = Mats.orthogonal(new Random(seed), d.rows());
        return q.multiply(d).multiply(q.transpose());
    }

    private static void assertDescendingModulus(Eigen e) {
        for (int k = 1; k < e.size(); k++) assertTrue(e.modulus(k - 1) >= e.modulus(k), "sorted by modulus at " + k);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 50, 200})
    void randomMatchesEjml(int n) {
        Matrix a = Mats.random(new Random(100 + n), n, n);
        double[][] expected = Mats.ejmlEigenvalues(a);
        Eigen e = Eigen.of(a);
        Mats.assertSameEigenvalues(expected[0], expected[1], e, 1e-9 * Math.max(1, a.frobeniusNorm()));
        assertDescendingModulus(e);
        double trace = 0, sum = 0, imSum = 0;
        for (int i = 0; i < n; i++) trace += a.get(i, i);
        for (int k = 0; k < n; k++) {
            sum += e.re()[k];
            imSum += e.im()[k];
        }
        assertEquals(trace, sum, 1e-10 * n, "Σλ = trace");
        assertEquals(0, imSum, 1e-10 * n, "complex eigenvalues come in conjugate pairs");
    }

    @Test
    void diagonalGivesItsEntriesSortedByModulus() {
        Eigen e = Eigen.of(Mats.diagonal(0.5, -3, 2, 0, 1));
        assertArrayEquals(new double[] {-3, 2, 1, 0.5, 0}, e.re());
        assertArrayEquals(new double[5], e.im());
    }

    @Test
    void rotationGivesCosPlusMinusISin() {
        double theta = 0.7;
        Matrix r = new Matrix(2, 2);
        putRotation(r, 0, 1, theta);
        Eigen e = Eigen.of(r);
        assertArrayEquals(new double[] {Math.cos(theta), Math.cos(theta)}, e.re(), 1e-15);
        assertArrayEquals(new double[] {Math.sin(theta), -Math.sin(theta)}, e.im(), 1e-15);
        Eigen hidden = Eigen.of(hide(r, 5));
        assertArrayEquals(e.re(), hidden.re(), 1e-14);
        assertArrayEquals(e.im(), hidden.im(), 1e-14);
    }

    @Test
    void blockDiagonalMixOfRealAndComplex() {
        Matrix d = new Matrix(7, 7);
        putRotation(d, 0, 2, 0.3);
        d.set(2, 2, 2.5);
        putRotation(d, 3, 0.5, 2.0);
        d.set(5, 5, -0.3);
        d.set(6, 6, 1.5);
        double[] re = {2 * Math.cos(0.3), 2 * Math.cos(0.3), 2.5, 0.5 * Math.cos(2.0), 0.5 * Math.cos(2.0), -0.3, 1.5};
        double[] im = {2 * Math.sin(0.3), -2 * Math.sin(0.3), 0, 0.5 * Math.sin(2.0), -0.5 * Math.sin(2.0), 0, 0};
        Mats.assertSameEigenvalues(re, im, Eigen.of(d), 1e-15);
        Eigen e = Eigen.of(hide(d, 6));
        Mats.assertSameEigenvalues(re, im, e, 1e-12);
        assertEquals(2.5, e.re()[0], 1e-12);
        assertEquals(2, e.modulus(1), 1e-12);
        assertEquals(2, e.modulus(2), 1e-12);
        assertTrue(e.im()[1] > 0 && e.im()[2] < 0, "a conjugate pair lists +b before −b");
    }

    @Test
    void rankDeficientHasZeroEigenvalues() {
        Random rng = new Random(7);
        Matrix x = Mats.random(rng, 9, 3), y = Mats.random(rng, 3, 9);
        Eigen e = Eigen.of(x.multiply(y));
        double[][] small = Mats.ejmlEigenvalues(y.multiply(x)); // the 3 non-zero ones
        double[] re = new double[9], im = new double[9];
        System.arraycopy(small[0], 0, re, 0, 3);
        System.arraycopy(small[1], 0, im, 0, 3);
        Mats.assertSameEigenvalues(re, im, e, 1e-10);
        for (int k = 3; k < 9; k++) assertTrue(e.modulus(k) < 1e-10, "zero eigenvalue " + k + ": " + e.modulus(k));
    }

    @Test
    void triangularGivesItsDiagonalExactly() {
        Matrix u = Matrix.of(4, 4, 4, 1, 2, 3, 0, -2, 5, 1, 0, 0, 3, 7, 0, 0, 0, 1);
        assertArrayEquals(new double[] {4, 3, -2, 1}, Eigen.of(u).re());
        assertArrayEquals(new double[] {4, 3, -2, 1}, Eigen.of(u.transpose()).re(), 1e-13, "lower triangular");
        Matrix jordan = Matrix.of(2, 2, 1, 1, 0, 1);
        assertArrayEquals(new double[] {1, 1}, Eigen.of(jordan).re());
        assertArrayEquals(new double[] {0, 0}, Eigen.of(jordan).im());
    }

    @Test
    void repeatedEigenvalues() {
        double[] d = {2, 2, 2, -1, -1, 5};
        double[] zeros = new double[6];
        Mats.assertSameEigenvalues(d, zeros, Eigen.of(hide(Mats.diagonal(d), 8)), 1e-12);
        DMatrixRMaj s = Mats.toEjml(Mats.random(new Random(9), 6, 6)), sInv = s.copy();
        assertTrue(CommonOps_DDRM.invert(sInv));
        Matrix similar = Mats.fromEjml(s).multiply(Mats.diagonal(d)).multiply(Mats.fromEjml(sInv));
        Mats.assertSameEigenvalues(d, zeros, Eigen.of(similar), 1e-8);
    }

    @Test
    void cyclicPermutationsNeedExceptionalShifts() {
        for (int n : new int[] {3, 4, 5}) {
            Matrix p = new Matrix(n, n);
            for (int i = 0; i < n; i++) p.set((i + 1) % n, i, 1);
            double[] re = new double[n], im = new double[n];
            for (int k = 0; k < n; k++) {
                re[k] = Math.cos(2 * Math.PI * k / n);
                im[k] = Math.sin(2 * Math.PI * k / n);
            }
            Mats.assertSameEigenvalues(re, im, Eigen.of(p), 1e-12);
        }
    }

    @Test
    void edgeCases() {
        assertEquals(0, Eigen.of(new Matrix(0, 0)).size());
        assertArrayEquals(new double[3], Eigen.of(new Matrix(3, 3)).re());
        assertThrows(IllegalArgumentException.class, () -> Eigen.of(new Matrix(2, 3)));
        assertThrows(ArithmeticException.class, () -> Eigen.of(Matrix.of(1, 1, Double.NaN)));
    }
}
