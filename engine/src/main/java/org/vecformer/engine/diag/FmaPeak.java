package org.vecformer.engine.diag;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.vecformer.engine.kernel.Simd;
import org.vecformer.engine.parallel.Parallel;

/**
 * The float FMA throughput this JVM reaches on one thread: twelve independent accumulators
 * {@code acc_i = acc_i·x + y} (enough to hide FMA latency on two FMA ports), no memory traffic.
 * It is the ceiling that GEMM efficiency is quoted against ("% of peak").
 */
public final class FmaPeak {
    /** Flops of one iteration: 12 FMAs of 2 flops per lane. */
    public static final long FLOPS_PER_ITERATION = 12L * 2L * Simd.LANES;

    /** Where the result goes, so the JIT cannot drop the loop. */
    private static volatile float sink;

    private FmaPeak() {}

    /** Runs {@link #run}({@code iterations}) on {@code threads} threads at once, one task each. */
    public static void runOnThreads(int threads, long iterations) {
        Parallel.forRange(threads, 1, (from, to) -> {
            for (int t = from; t < to; t++) run(iterations);
        });
    }

    /** GFLOPS = threads · iterations · {@link #FLOPS_PER_ITERATION} / seconds / 10⁹, of {@link #runOnThreads} timed at {@code seconds}. */
    public static double gflops(int threads, long iterations, double seconds) {
        return (double) threads * iterations * FLOPS_PER_ITERATION / seconds / 1e9;
    }

    /** Runs {@code iterations} rounds of 12 independent vector FMAs ({@link #FLOPS_PER_ITERATION} flops each). */
    public static void run(long iterations) {
        FloatVector x = FloatVector.broadcast(Simd.F, 0.999999f), y = FloatVector.broadcast(Simd.F, 1e-7f);
        FloatVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
