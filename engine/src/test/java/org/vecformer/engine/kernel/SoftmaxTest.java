package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefSoftmax;

/** Row softmax and log-softmax against their twin: awkward widths, strided views, scale, causal mask, threads. */
@Tag("kernel")
class SoftmaxTest {
    private static final int[] WIDTHS = {1, 2, 3, Simd.LANES - 1, Simd.LANES, Simd.LANES + 1, 13, 61, 257, 1009};

    @Test
    void softmaxMatchesTwinAndRowsSumToOne() {
        Random rnd = new Random(3);
        for (int cols : WIDTHS) {
            for (boolean causal : new boolean[] {false, true}) {
                int rows = 5, ld = cols + 3, ldOut = cols + 2;
                float[] x = Lengths.random(rnd, rows * ld, 1);
                for (int i = 0; i < x.length; i++) x[i] *= 20;
                float[] expected = new float[2 + rows * ldOut], got = expected.clone();
                int firstQuery = causal ? Math.max(0, cols - rows - 1) : 0;
                RefSoftmax.softmax(x, 1, ld, rows, cols, 0.37f, causal, firstQuery, expected, 2, ldOut);
                Softmax.softmax(x, 1, ld, rows, cols, 0.37f, causal, firstQuery, got, 2, ldOut);
                assertArrayEquals(expected, got, 1e-6f, cols + " columns, causal " + causal);
                for (int r = 0; r < rows; r++) {
                    double sum = 0;
                    for (int c = 0; c < cols; c++) sum += got[2 + r * ldOut + c];
                    assertEquals(1.0, sum, 1e-6, "row " + r + " of " + cols + " columns");
                    if (causal) for (int c = firstQuery + r + 1; c < cols; c++) assertEquals(0f, got[2 + r * ldOut + c], 0f);
                }
            }
        }
    }

    @Test
    void softmaxInPlaceSurvivesHugeScoresAndEmptyRows() {
        float[] x = {1000f, 1000f + (float) Math.log(3)};
        Softmax.softmax(x, 0, 2, 1, 2, 1f, false, 0, x, 0, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f}, x, 1e-4f);
        float[] none = {5f, 5f};
        Softmax.softmax(none, 0, 2, 1, 2, 1f, true, -1, none, 0, 2);
        assertArrayEquals(new float[] {0f, 0f}, none, 0f);
    }

    @Test
    void logSoftmaxMatchesTwin() {
        Random rnd = new Random(4);
        for (int cols : WIDTHS) {
            int rows = 4, ld = cols + 1, ldOut = cols + 5;
            float[] x = Lengths.random(rnd, rows * ld, 3);
            for (int i = 0; i < x.length; i++) x[i] *= 30;
            float[] expected = new float[rows * ldOut], got = new float[rows * ldOut];
            RefSoftmax.logSoftmax(x, 3, ld, rows, cols, expected, 0, ldOut);
            Softmax.logSoftmax(x, 3, ld, rows, cols, got, 0, ldOut);
            for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 2e-6 * (1 + Math.abs(expected[i])), cols + " columns at " + i);
        }
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        Random rnd = new Random(5);
        int rows = 300, cols = 257;
        float[] x = Lengths.random(rnd, rows * cols, 0);
        int before = Parallel.threads();
        try {
            float[][] results = new float[3][];
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                float[] out = new float[rows * cols], log = new float[rows * cols];
                Softmax.softmax(x, 0, cols, rows, cols, 1.5f, true, 10, out, 0, cols);
                Softmax.logSoftmax(x, 0, cols, rows, cols, log, 0, cols);
                results[threads - 1] = concat(out, log);
            }
            assertArrayEquals(results[0], results[1]);
            assertArrayEquals(results[0], results[2]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = new float[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
