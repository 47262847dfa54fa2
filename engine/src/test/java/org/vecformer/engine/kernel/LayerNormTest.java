package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefLayerNorm;

/** Layer norm (LN, LN without bias, LNPre) against its twin, with offsets and leading dimensions wider than a row, the per-row scale and threads. */
@Tag("kernel")
class LayerNormTest {
    @Test
    void matchesTwinForEveryVariant() {
        Random rnd = new Random(6);
        for (int d : new int[] {1, 2, 3, Simd.LANES - 1, Simd.LANES, Simd.LANES + 1, 13, 64, 257}) {
            int rows = 7, ldx = d + 3, ldOut = d + 1;
            float[] x = Lengths.random(rnd, rows * ldx, 2);
            for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + 1.5f;
            float[] w = Lengths.random(rnd, d, 0), b = Lengths.random(rnd, d, 0);
            float[][][] variants = {{w, b}, {w, null}, {null, null}};
            for (float[][] wb : variants) {
                float[] expected = new float[rows * ldOut + 1], got = new float[rows * ldOut + 1];
                float[] expectedScale = new float[rows], gotScale = new float[rows];
                RefLayerNorm.forward(x, 2, ldx, rows, d, wb[0], wb[1], 1e-5f, expected, 1, ldOut, expectedScale);
                LayerNorm.forward(x, 2, ldx, rows, d, wb[0], wb[1], 1e-5f, got, 1, ldOut, gotScale);
                assertArrayEquals(expected, got, 2e-5f, "d=" + d);
                for (int r = 0; r < rows; r++) assertEquals(expectedScale[r], gotScale[r], 1e-6 * expectedScale[r], "d=" + d);
                LayerNorm.forward(x, 2, ldx, rows, d, wb[0], wb[1], 1e-5f, got, 1, ldOut, null);
                assertArrayEquals(expected, got, 2e-5f, "d=" + d + " without scale");
            }
        }
    }

    @Test
    void inPlaceAndThreadCountGiveTheSameBits() {
        Random rnd = new Random(7);
        int rows = 200, d = 193;
        float[] x = Lengths.random(rnd, rows * d, 0), w = Lengths.random(rnd, d, 0), b = Lengths.random(rnd, d, 0);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = new float[rows * d];
            LayerNorm.forward(x, 0, d, rows, d, w, b, 1e-5f, one, 0, d, null);
            for (int threads = 2; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                float[] inPlace = x.clone();
                LayerNorm.forward(inPlace, 0, d, rows, d, w, b, 1e-5f, inPlace, 0, d, null);
                assertArrayEquals(one, inPlace);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
