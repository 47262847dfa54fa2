package org.vecformer.cli.command.bench;

import java.util.Map;
import org.vecformer.engine.diag.BestOf;

/**
 * A SIMD kernel timed against its scalar twin on the same input ({@link BestOf}: warm-up until stable, best of the
 * runs); the twin, slow and already a plain loop, gets a third of the warm-up. Its JSON fields are {@code twin_ms} and
 * {@code speedup} (twin time over kernel time).
 *
 * @param seconds the kernel's best time
 * @param twinSeconds the twin's best time
 */
record KernelBench(double seconds, double twinSeconds) {
    static KernelBench of(Runnable kernel, int runs, Runnable twin, int twinRuns, long warmupMillis) {
        double simd = BestOf.seconds(kernel, runs, warmupMillis);
        return new KernelBench(simd, BestOf.seconds(twin, twinRuns, warmupMillis / 3));
    }

    double speedup() {
        return twinSeconds / seconds;
    }

    /** Puts {@code twin_ms} and {@code speedup}, to three decimals. */
    void putTwin(Map<String, Object> row) {
        row.put("twin_ms", BenchOutput.round3(twinSeconds * 1e3));
        row.put("speedup", BenchOutput.round3(speedup()));
    }
}
