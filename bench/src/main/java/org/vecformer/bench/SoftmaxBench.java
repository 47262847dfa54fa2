package org.vecformer.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefSoftmax;

/**
 * Row softmax of a [t, t] score matrix (scaled, causal) on one thread: the SIMD kernel, its double-precision
 * twin, and a plain float loop over {@link Math#exp} (the "scalar Math.exp" baseline). Average time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SoftmaxBench {
    @Param({"128", "1024"})
    int t;

    float[] x, out;
    int threadsBefore;

    @Setup
    public void setup() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(1);
        Random rnd = new Random(42);
        x = new float[t * t];
        out = new float[t * t];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 16 - 8;
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public float[] simd() {
        Softmax.softmax(x, 0, t, t, t, 0.125f, true, 0, out, 0, t);
        return out;
    }

    @Benchmark
    public float[] scalarTwin() {
        RefSoftmax.softmax(x, 0, t, t, t, 0.125f, true, 0, out, 0, t);
        return out;
    }

    @Benchmark
    public float[] scalarMathExpLoop() {
        for (int r = 0; r < t; r++) {
            int row = r * t, visible = r + 1;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < visible; c++) max = Math.max(max, 0.125f * x[row + c]);
            float sum = 0;
            for (int c = 0; c < visible; c++) {
                float e = (float) Math.exp(0.125f * x[row + c] - max);
                out[row + c] = e;
                sum += e;
            }
            float inv = 1 / sum;
            for (int c = 0; c < visible; c++) out[row + c] *= inv;
            for (int c = visible; c < t; c++) out[row + c] = 0;
        }
        return out;
    }
}
