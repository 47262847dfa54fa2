package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QRTest {
    /** Q orthonormal, R upper triangular, Q·R == A, and |R[i][i]| equal to EJML's (unique up to sign). */
    static void assertQR(Matrix a, String what) {
        QR qr = QR.of(a);
        int k = Math.min(a.rows(), a.cols());
        assertEquals(a.rows(), qr.q().rows());
        assertEquals(k, qr.q().cols());
        assertEquals(k, qr.r().rows());
        assertEquals(a.cols(), qr.r().cols());
        double scale = Math.max(1, a.frobeniusNorm());
        Mats.assertOrthonormalColumns(qr.q(), 1e-13 * Math.max(1, a.rows()), what + " Q");
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) assertEquals(0, qr.r().get(i, j), what + " R[" + i + "][" + j + "]");
        }
        Mats.assertClose(a, qr.q().multiply(qr.r()), 1e-13 * scale * Math.max(1, a.rows()), what + " QR == A");
        var ejml = DecompositionFactory_DDRM.qr(a.rows(), a.cols());
        ejml.decompose(Mats.toEjml(a));
        Matrix er = Mats.fromEjml(ejml.getR(null, true));
        for (int i = 0; i < k; i++) {
            assertEquals(Math.abs(er.get(i, i)), Math.abs(qr.r().get(i, i)), 1e-12 * scale, what + " |R[i][i]| vs EJML");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 50, 200})
    void squareRandom(int n) {
        assertQR(Mats.random(new Random(n), n, n), "square " + n);
    }

    @Test
    void tallAndWide() {
        Random rng = new Random(11);
        assertQR(Mats.random(rng, 60, 8), "tall");
        assertQR(Mats.random(rng, 8, 60), "wide");
        assertQR(Mats.random(rng, 1, 5), "one row");
        assertQR(Mats.random(rng, 5, 1), "one column");
    }

    @Test
    void rankDeficientAndZeroColumns() {
        Random rng = new Random(12);
        Matrix lowRank = Mats.random(rng, 9, 2).multiply(Mats.random(rng, 2, 6));
        assertQR(lowRank, "rank 2");
        Matrix zeroColumn = Mats.random(rng, 5, 4);
        for (int i = 0; i < 5; i++) zeroColumn.set(i, 1, 0);
        assertQR(zeroColumn, "zero column");
        assertQR(new Matrix(4, 3), "zero matrix");
    }

    @Test
    void upperTriangularInputKeepsItsDiagonalUpToSign() {
        Matrix u = Matrix.of(3, 3, 2, 1, 5, 0, -3, 4, 0, 0, 7);
        QR qr = QR.of(u);
        for (int i = 0; i < 3; i++) assertEquals(Math.abs(u.get(i, i)), Math.abs(qr.r().get(i, i)), 1e-15);
        assertQR(u, "triangular");
    }
}
