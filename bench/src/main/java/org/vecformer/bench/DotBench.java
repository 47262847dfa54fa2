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
import org.openjdk.jmh.annotations.Warmup;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.reference.ScalarOps;

/** The level-1 dot kernel against its scalar twin: average time per call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DotBench {
    @Param({"64", "1024", "65536"})
    int n;

    float[] x, y;

    @Setup
    public void setup() {
        Random rnd = new Random(42);
        x = new float[n];
        y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat();
            y[i] = rnd.nextFloat();
        }
    }

    @Benchmark
    public float simd() {
        return VectorOps.dot(n, x, 0, y, 0);
    }

    @Benchmark
    public double scalarTwin() {
        return ScalarOps.dot(n, x, 0, y, 0);
    }
}
