package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorOps#dot}, {@link VectorOps#sum} and {@link VectorOps#sumLanesPairwise} have the same bits whether the
 * JVM interprets or has compiled them: each equals, bit for bit, a scalar model of the exact order it promises (fused
 * multiply-adds per lane in two accumulators, then the lanes added in order; or the lanes added in halving steps), on
 * the first calls and after many.
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

    /** The pairwise lane sum follows its halving order, compiled or not: lane i + lane (i xor h), h = lanes/2 … 1. */
    @Test
    void pairwiseLaneSumFollowsItsHalvingOrderBeforeAndAfterCompilation() {
        SplittableRandom rnd = new SplittableRandom(7);
        int lanes = Simd.LANES;
        float[][] vs = new float[64][lanes];
        for (float[] v : vs) for (int l = 0; l < lanes; l++) v[l] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6)));
        for (int round = 0; round < 3000; round++) {
            for (float[] v : vs) {
                float sum = VectorOps.sumLanesPairwise(FloatVector.fromArray(Simd.F, v, 0));
                if (round % 1000 != 0) continue;
                assertEquals(Float.floatToIntBits(pairwiseModel(v)), Float.floatToIntBits(sum), "round " + round);
            }
        }
    }

    private static float pairwiseModel(float[] v) {
        float[] x = v.clone();
        for (int h = x.length / 2; h >= 1; h /= 2) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) y[i] = x[i] + x[i ^ h];
            x = y;
        }
        return x[0];
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
