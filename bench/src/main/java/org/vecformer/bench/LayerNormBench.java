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
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefLayerNorm;

/** Layer norm (LN) over [T, d_model] rows, SIMD kernel vs scalar twin, one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class LayerNormBench {
    @Param({"1024"})
    int t;

    @Param({"64", "512"})
    int dModel;

    float[] x, w, b, out, scale;
    int savedThreads;

    @Setup
    public void setup() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(1);
        Random rnd = new Random(3);
        x = new float[t * dModel];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        w = new float[dModel];
        b = new float[dModel];
        for (int i = 0; i < dModel; i++) {
            w[i] = 1 + 0.1f * (float) rnd.nextGaussian();
            b[i] = 0.1f * (float) rnd.nextGaussian();
        }
        out = new float[x.length];
        scale = new float[t];
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(savedThreads);
    }

    @Benchmark
    public float[] simd() {
        LayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale);
        return out;
    }

    @Benchmark
    public float[] scalarTwin() {
        RefLayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale);
        return out;
    }
}
