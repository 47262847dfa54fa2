package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.reference.ScalarOps;

/** Every level-1 SIMD kernel against its scalar twin, at offsets, on awkward lengths. */
@Tag("kernel")
class VectorOpsTest {
    static IntStream lengths() {
        return Lengths.awkward();
    }

    /** Float error bound of a length-n sum of terms bounded by 1 in magnitude: a few ulps of n. */
    private static double sumTolerance(int n) {
        return 1e-6 * (n + 1) * 4;
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void dotMatchesTwin(int n) {
        Random rnd = new Random(n);
        float[] x = Lengths.random(rnd, n, 3), y = Lengths.random(rnd, n, 5);
        assertEquals(ScalarOps.dot(n, x, 3, y, 5), VectorOps.dot(n, x, 3, y, 5), sumTolerance(n));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void axpyMatchesTwin(int n) {
        Random rnd = new Random(100 + n);
        float[] x = Lengths.random(rnd, n, 1), y = Lengths.random(rnd, n, 2);
        float[] expected = y.clone();
        ScalarOps.axpy(n, -0.75f, x, 1, expected, 2);
        VectorOps.axpy(n, -0.75f, x, 1, y, 2);
        assertArrayEquals(expected, y, 1e-6f);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void scaleMatchesTwinAndLeavesTheRestAlone(int n) {
        Random rnd = new Random(200 + n);
        float[] x = Lengths.random(rnd, n + 4, 1);
        float[] expected = x.clone();
        ScalarOps.scale(n, 3.5f, expected, 1);
        VectorOps.scale(n, 3.5f, x, 1);
        assertArrayEquals(expected, x, 1e-6f);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void addAllHasTheBitsOfItsTwinsOrderOfFloatAdds(int n) {
        Random rnd = new Random(350 + n);
        float[][] xs = new float[5][];
        for (int s = 0; s < xs.length; s++) {
            xs[s] = Lengths.random(rnd, n + 6, 0);
            for (int i = 0; i < xs[s].length; i++) xs[s][i] *= (float) Math.pow(10, rnd.nextInt(7) - 3);
        }
        float[] y = Lengths.random(rnd, n + 6, 0), expected = y.clone();
        ScalarOps.addAll(n, xs, 4, 3, expected);
        VectorOps.addAll(n, xs, 4, 3, y);
        assertArrayEquals(expected, y, "n=" + n);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void addMatchesTwin(int n) {
        Random rnd = new Random(300 + n);
        float[] x = Lengths.random(rnd, n, 0), y = Lengths.random(rnd, n, 1);
        float[] expected = new float[n + 2], out = new float[n + 2];
        ScalarOps.add(n, x, 0, y, 1, expected, 2);
        VectorOps.add(n, x, 0, y, 1, out, 2);
        assertArrayEquals(expected, out, 0f);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void sumMatchesTwin(int n) {
        Random rnd = new Random(400 + n);
        float[] x = Lengths.random(rnd, n, 7);
        assertEquals(ScalarOps.sum(n, x, 7), VectorOps.sum(n, x, 7), sumTolerance(n));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void maxMatchesTwinWhereverTheMaximumSits(int n) {
        Random rnd = new Random(500 + n);
        for (int at = 0; at < n; at += Math.max(1, n / 5)) {
            float[] x = Lengths.random(rnd, n, 1);
            x[1 + at] = 5f;
            assertEquals(ScalarOps.max(n, x, 1), VectorOps.max(n, x, 1), 0f);
            assertEquals(5f, VectorOps.max(n, x, 1), 0f);
        }
    }

    @Test
    void emptyRunsGiveTheIdentity() {
        float[] x = {1, 2, 3};
        assertEquals(0f, VectorOps.dot(0, x, 0, x, 0), 0f);
        assertEquals(0f, VectorOps.sum(0, x, 3), 0f);
        assertEquals(Float.NEGATIVE_INFINITY, VectorOps.max(0, x, 3), 0f);
    }

    @Test
    void maxPropagatesNaNInTheTail() {
        int n = Simd.LANES + 1;
        float[] x = new float[n];
        x[n - 1] = Float.NaN;
        assertTrue(Float.isNaN(VectorOps.max(n, x, 0)));
        assertTrue(Float.isNaN(ScalarOps.max(n, x, 0)));
    }

    @Test
    void forcedSpeciesIsInEffect() {
        String forced = System.getProperty(Simd.BITS_PROPERTY);
        if (forced != null) assertEquals(Integer.parseInt(forced), Simd.F.vectorBitSize());
        else assertEquals(Simd.preferredBits(), Simd.F.vectorBitSize());
    }
}
