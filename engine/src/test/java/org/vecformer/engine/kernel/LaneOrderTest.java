package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorOps#dot}, {@link VectorOps#sum} and {@link VectorOps#sumLanesPairwise} have the same bits whether the
 * JVM interprets or has compiled them: each equals, bit for bit, a scalar model of the exact order it promises (fused
 * multiply-adds per lane in two accumulators, then the lanes added in order; or the lanes added in halving steps).
 * The compiled side runs here after thousands of calls; the interpreted side runs in a child JVM under {@code -Xint},
 * because in this shared test JVM other tests may already have compiled the kernels before the first call here.
 */
@Tag("kernel")
class LaneOrderTest {
    @Test
    void compiledKernelsFollowTheirFixedOrder() {
        String compiled = "";
        for (int round = 0; round < 3000; round++) compiled = results();
        assertEquals(models(), compiled);
    }

    @Test
    void interpretedKernelsFollowTheirFixedOrder() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-D" + Simd.BITS_PROPERTY + "=" + Simd.F.vectorBitSize(), "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String interpreted = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        assertEquals(models().strip(), interpreted);
    }

    /** Seeded vectors of 1 to 5·lanes elements spanning five decades, so any change of order changes bits. */
    private static float[][] vectors(long seed, boolean lanesLong) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] v = new float[64][];
        for (int k = 0; k < v.length; k++) {
            v[k] = new float[lanesLong ? Simd.LANES : 1 + rnd.nextInt(5 * Simd.LANES)];
            for (int i = 0; i < v[k].length; i++) v[k][i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5)));
        }
        return v;
    }

    /** The kernels' bits on the seeded inputs: dot(x, y), sum(x), then the pairwise lane sum of each lane-long vector. */
    private static String results() {
        float[][] xs = vectors(3, false), ys = vectors(4, false), vs = vectors(7, true);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < xs.length; k++) {
            int n = Math.min(xs[k].length, ys[k].length);
            sb.append(bits(VectorOps.dot(n, xs[k], 0, ys[k], 0))).append(bits(VectorOps.sum(xs[k].length, xs[k], 0)));
        }
        for (float[] v : vs) sb.append(bits(VectorOps.sumLanesPairwise(FloatVector.fromArray(Simd.F, v, 0))));
        return sb.toString();
    }

    /** The same values from the scalar models of the promised order. */
    private static String models() {
        float[][] xs = vectors(3, false), ys = vectors(4, false), vs = vectors(7, true);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < xs.length; k++) {
            int n = Math.min(xs[k].length, ys[k].length);
            sb.append(bits(dotModel(java.util.Arrays.copyOf(xs[k], n), java.util.Arrays.copyOf(ys[k], n), Simd.LANES)))
                    .append(bits(sumModel(xs[k], Simd.LANES)));
        }
        for (float[] v : vs) sb.append(bits(pairwiseModel(v)));
        return sb.toString();
    }

    private static String bits(float f) {
        return Integer.toHexString(Float.floatToRawIntBits(f)) + " ";
    }

    /** Runs in the interpreted child JVM: prints {@link #results()}. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println(results());
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
