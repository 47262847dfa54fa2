package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatrixTest {
    @Test
    void multiplyMatchesEjmlOnSeveralShapes() {
        Random rng = new Random(1);
        int[][] shapes = {{1, 1, 1}, {2, 3, 4}, {7, 1, 5}, {50, 13, 17}, {0, 3, 2}, {3, 0, 2}};
        for (int[] s : shapes) {
            Matrix a = Mats.random(rng, s[0], s[1]), b = Mats.random(rng, s[1], s[2]);
            Mats.assertClose(Mats.ejmlMultiply(a, b), a.multiply(b), 1e-13, "A·B " + Arrays.toString(s));
        }
        assertThrows(IllegalArgumentException.class, () -> new Matrix(2, 3).multiply(new Matrix(2, 3)));
    }

    @Test
    void transposeSwapsIndices() {
        Matrix a = Mats.random(new Random(2), 3, 5), t = a.transpose();
        assertEquals(5, t.rows());
        assertEquals(3, t.cols());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) assertEquals(a.get(i, j), t.get(j, i));
        }
    }

    @Test
    void frobeniusNormOfClosedForms() {
        assertEquals(5, Matrix.of(1, 2, 3, 4).frobeniusNorm(), 1e-15);
        assertEquals(Math.sqrt(7), Matrix.identity(7).frobeniusNorm(), 1e-15);
        assertEquals(0, new Matrix(3, 3).frobeniusNorm());
        assertEquals(5e200, Matrix.of(1, 2, 3e200, 4e200).frobeniusNorm(), 1e186, "no overflow");
        Matrix a = Mats.random(new Random(3), 9, 4);
        double s = 0;
        for (int i = 0; i < 9; i++) for (int j = 0; j < 4; j++) s += a.get(i, j) * a.get(i, j);
        assertEquals(Math.sqrt(s), a.frobeniusNorm(), 1e-14);
    }

    @Test
    void identityIsNeutral() {
        Matrix a = Mats.random(new Random(4), 4, 6);
        Mats.assertClose(a, Matrix.identity(4).multiply(a), 0, "I·A");
        Mats.assertClose(a, a.multiply(Matrix.identity(6)), 0, "A·I");
    }

    @Test
    void fromFloatsReadsAStridedView() {
        float[] data = new float[40];
        for (int i = 0; i < data.length; i++) data[i] = i * 0.5f;
        Matrix m = Matrix.fromFloats(data, 3, 4, 2, 7); // rows start at 3, 10, 17, 24
        assertArrayEquals(new double[] {1.5, 2}, m.row(0));
        assertArrayEquals(new double[] {12, 12.5}, m.row(3));
        assertThrows(IllegalArgumentException.class, () -> Matrix.fromFloats(data, 0, 2, 5, 4));
    }

    @Test
    void ofChecksTheCountAndCopies() {
        double[] v = {1, 2, 3, 4};
        Matrix m = Matrix.of(2, 2, v);
        v[0] = 9;
        assertEquals(1, m.get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Matrix.of(2, 3, v));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
    }

    @Test
    void toStringShowsShapeAndSmallEntries() {
        String s = Matrix.of(1, 2, 1.5, -2).toString();
        assertTrue(s.startsWith("Matrix[1, 2]"), s);
        assertTrue(s.contains("1.50000") && s.contains("-2.00000"), s);
        assertEquals("Matrix[20, 1]", new Matrix(20, 1).toString());
    }
}
