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
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.parallel.Parallel;

/**
 * Fused causal attention, 8 heads of 64, on a fused [t, 3·512] QKV buffer: z only (the flash path), with the
 * [8, t, t] pattern written too, and one decode step (1 query against a cache of t rows). Single thread unless
 * {@code -p threads=N}. GFLOPS of the causal half = 2·2·8·64·t(t+1)/2 / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class AttentionBench {
    static final int HEADS = 8, D_HEAD = 64, WIDTH = HEADS * D_HEAD, LD = 3 * WIDTH;

    @Param({"128", "512", "1024", "2048"})
    int t;

    @Param({"1"})
    int threads;

    float[] qkv, z, pattern;
    int threadsBefore;

    @Setup
    public void setup() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        Random rnd = new Random(42);
        qkv = new float[t * LD];
        z = new float[t * WIDTH];
        pattern = new float[HEADS * t * t];
        for (int i = 0; i < qkv.length; i++) qkv[i] = rnd.nextFloat() * 2 - 1;
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public float[] fused() {
        Attention.causal(t, HEADS, D_HEAD, qkv, 0, qkv, WIDTH, qkv, 2 * WIDTH, LD, z, 0, WIDTH, null, 0);
        return z;
    }

    @Benchmark
    public float[] withPattern() {
        Attention.causal(t, HEADS, D_HEAD, qkv, 0, qkv, WIDTH, qkv, 2 * WIDTH, LD, z, 0, WIDTH, pattern, 0);
        return z;
    }

    @Benchmark
    public float[] decodeOneQuery() {
        Attention.decode(t - 1, 1, HEADS, D_HEAD, qkv, (t - 1) * LD, LD, qkv, WIDTH, qkv, 2 * WIDTH, LD, z, 0, WIDTH, null, 0);
        return z;
    }
}
