package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorOps#dot} and {@link VectorOps#sum} have the same bits whether the JVM interprets or has compiled
 * them: each equals, bit for bit, a scalar model of the exact order it promises (fused multiply-adds per lane in
 * two accumulators, then the lanes added in order), on the first calls and after many.
 */
@Tag("kernel")
class LaneOrderTest {
    @Test
    void dotAndSumFollowTheirFixedOrderBeforeAndAfterCompilation() {
        SplittableRandom rnd = new SplittableRandom(3);
        int lanes = Simd.LANES;
        float[][] xs = new float[64][], ys = new float[64][];
        for (int k = 0; k < xs.length; k++) {
            int n = 1 + rnd.nextInt(5 * lanes);
            xs[k] = new float[n];
            ys[k] = new float[n];
            for (int i = 0; i < n; i++) {
                xs[k][i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5)));
                ys[k][i] = (float) rnd.nextGaussian();
            }
        }
        for (int round = 0; round < 3000; round++) {
            for (int k = 0; k < xs.length; k++) {
                float dot = VectorOps.dot(xs[k].length, xs[k], 0, ys[k], 0), sum = VectorOps.sum(xs[k].length, xs[k], 0);
                if (round % 1000 != 0) continue;
                assertEquals(Float.floatToIntBits(dotModel(xs[k], ys[k], lanes)), Float.floatToIntBits(dot), "dot, round " + round);
                assertEquals(Float.floatToIntBits(sumModel(xs[k], lanes)), Float.floatToIntBits(sum), "sum, round " + round);
            }
        }
    }

    private static float dotModel(float[] x, float[] y, int lanes) {
        int n = x.length;
        float[] a0 = new float[lanes], a1 = new float[lanes];
        int i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes) {
            for (int l = 0; l < lanes; l++) {
                a0[l] = Math.fma(x[i + l], y[i + l], a0[l]);
                a1[l] = Math.fma(x[i + lanes + l], y[i + lanes + l], a1[l]);
            }
        }
        for (; i < n; i += lanes) {
            for (int l = 0; l < lanes && i + l < n; l++) a0[l] = Math.fma(x[i + l], y[i + l], a0[l]);
        }
        float s = 0f;
        for (int l = 0; l < lanes; l++) s += a0[l] + a1[l];
        return s;
    }

    private static float sumModel(float[] x, int lanes) {
        int n = x.length, i = 0;
        float[] acc = new float[lanes];
        for (; i <= n - lanes; i += lanes) for (int l = 0; l < lanes; l++) acc[l] += x[i + l];
        float s = 0f;
        for (int l = 0; l < lanes; l++) s += acc[l];
        float tail = 0f;
        for (int l = 0; i + l < n; l++) tail += x[i + l];
        return i < n ? s + tail : s;
    }
}
