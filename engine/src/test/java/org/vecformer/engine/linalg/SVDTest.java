package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SVDTest {
    /** U·diag(s)·Vᵀ == A, U and V orthonormal, s descending and equal to EJML's. */
    static SVD assertSVD(Matrix a, String what) {
        SVD svd = SVD.of(a);
        int k = Math.min(a.rows(), a.cols());
        assertEquals(k, svd.s().length, what + " number of singular values");
        assertEquals(a.rows(), svd.u().rows());
        assertEquals(k, svd.u().cols());
        assertEquals(a.cols(), svd.v().rows());
        assertEquals(k, svd.v().cols());
        double tol = 1e-13 * Math.max(1, Math.max(a.rows(), a.cols()));
        Mats.assertOrthonormalColumns(svd.u(), tol, what + " U");
        Mats.assertOrthonormalColumns(svd.v(), tol, what + " V");
        for (int i = 1; i < k; i++) assertTrue(svd.s()[i - 1] >= svd.s()[i], what + " descending at " + i);
        for (double s : svd.s()) assertTrue(s >= 0, what + " non-negative");
        Matrix us = new Matrix(a.rows(), k);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < k; j++) us.set(i, j, svd.u().get(i, j) * svd.s()[j]);
        }
        double scale = Math.max(1, a.frobeniusNorm());
        Mats.assertClose(a, us.multiply(svd.v().transpose()), tol * scale, what + " U·diag(s)·Vᵀ == A");
        assertArrayEquals(Mats.ejmlSingularValues(a), svd.s(), 1e-12 * scale, what + " s vs EJML");
        return svd;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 50, 200})
    void squareRandom(int n) {
        assertSVD(Mats.random(new Random(200 + n), n, n), "square " + n);
    }

    @Test
    void tallAndWide() {
        Random rng = new Random(21);
        assertSVD(Mats.random(rng, 60, 7), "tall");
        assertSVD(Mats.random(rng, 7, 60), "wide");
        assertSVD(Mats.random(rng, 1, 9), "one row");
        assertSVD(Mats.random(rng, 9, 1), "one column");
        assertSVD(Mats.random(rng, 200, 3), "200 × 3");
    }

    @Test
    void diagonalGivesAbsoluteValuesSorted() {
        SVD svd = assertSVD(Mats.diagonal(0.5, -3, 2, 0), "diagonal");
        assertArrayEquals(new double[] {3, 2, 0.5, 0}, svd.s(), 1e-15);
    }

    @Test
    void rankDeficientHasZeroSingularValuesAndStillOrthonormalFactors() {
        Random rng = new Random(22);
        Matrix lowRank = Mats.random(rng, 12, 3).multiply(Mats.random(rng, 3, 8));
        SVD svd = assertSVD(lowRank, "rank 3");
        for (int i = 3; i < 8; i++) assertTrue(svd.s()[i] < 1e-13, "zero singular value " + i + ": " + svd.s()[i]);
        SVD zero = assertSVD(new Matrix(5, 3), "zero matrix");
        assertArrayEquals(new double[3], zero.s());
        Matrix zeroRow = Mats.random(rng, 4, 4);
        for (int j = 0; j < 4; j++) zeroRow.set(2, j, 0);
        assertEquals(0, assertSVD(zeroRow, "zero row").s()[3], 1e-15);
    }

    @Test
    void completesUWhenTheMissingDirectionHasNoLargeComponent() {
        Random rng = new Random(23);
        Matrix a = new Matrix(7, 7); // integer columns summing to 0: the left null space is ones/sqrt(7)
        for (int j = 0; j < 7; j++) {
            int sum = 0;
            for (int i = 0; i < 6; i++) {
                int x = rng.nextInt(3) - 1;
                a.set(i, j, x);
                sum += x;
            }
            a.set(6, j, -sum);
        }
        SVD svd = assertSVD(a, "zero-sum columns");
        assertTrue(svd.s()[6] < 1e-14, "one zero singular value: " + svd.s()[6]);
        for (int i = 0; i < 7; i++) assertEquals(1 / Math.sqrt(7), Math.abs(svd.u().get(i, 6)), 1e-12, "U's last column ∝ ones");
    }

    @Test
    void rotationTimesScaleHasThoseSingularValues() {
        double c = Math.cos(1.1), s = Math.sin(1.1);
        Matrix a = Matrix.of(2, 2, c, -s, s, c).multiply(Mats.diagonal(4, 0.25));
        assertArrayEquals(new double[] {4, 0.25}, assertSVD(a, "rotation·diag").s(), 1e-15);
    }

    @Test
    void triangular() {
        assertSVD(Matrix.of(3, 3, 1, 2, 3, 0, 4, 5, 0, 0, 6), "upper triangular");
        assertSVD(Matrix.of(2, 2, 1, 1e-9, 0, 1e-9), "nearly singular");
    }

    @Test
    void nonFiniteInputIsRejected() {
        assertThrows(ArithmeticException.class, () -> SVD.of(Matrix.of(2, 1, 1, Double.NaN)));
        assertThrows(ArithmeticException.class, () -> SVD.of(Matrix.of(1, 2, Double.POSITIVE_INFINITY, 0)));
    }
}
