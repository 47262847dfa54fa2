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
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.parallel.Parallel;

/**
 * {@code C = A·op(B)} through {@link Gemm#sgemm}: average time per call; GFLOPS = {@code 2·m·n·k / time}.
 * Shapes {@code MxNxK} (B stored [k,n]) or {@code MxNxKxT} (B stored [n,k], op(B) = Bᵀ): squares 64..2048 and
 * the transformer's QKV projection, scores, pattern·V, W_O and unembedding at 1024 tokens.
 * Threads: {@code -p threads=2}. Compare with {@code bench/compare/numpy_gemm.py} on the same shapes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class GemmBench {
    @Param({"64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "1024x1536x512", "1024x1024x64xT", "1024x64x1024", "1024x512x512", "1024x48262x512"})
    String shape;

    @Param({"1"})
    int threads;

    int m, n, k, ldb;
    Transpose transB;
    float[] a, b, c;

    @Setup
    public void setup() {
        String[] parts = shape.split("x");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        transB = parts.length == 4 ? Transpose.T : Transpose.N;
        ldb = transB == Transpose.N ? n : k;
        Random rnd = new Random(42);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = new float[m * n];
        Parallel.setThreads(threads);
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(Transpose.N, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
        return c;
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }
}
