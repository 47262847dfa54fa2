package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.diag.FmaPeak;
import org.vecformer.engine.kernel.Simd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer bench peak}: the float FMA peak this JVM reaches, per thread and in total. */
@Command(name = "peak", mixinStandardHelpOptions = true,
        description = "Float FMA peak of this CPU as the JVM reaches it (the ceiling for '%% of peak').")
public final class BenchPeakCommand implements Runnable {
    @Mixin
    ThreadsOption threadsOption;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        int threads = threadsOption.apply();
        long iterations = 20_000_000L;
        double seconds = BestOf.seconds(() -> FmaPeak.runOnThreads(threads, iterations), 5, 300);
        double gflops = FmaPeak.gflops(threads, iterations, seconds);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("threads", threads);
        row.put("vector_bits", Simd.F.vectorBitSize());
        row.put("gflops", Math.round(gflops * 10) / 10.0);
        row.put("gflops_per_thread", Math.round(gflops / threads * 10) / 10.0);
        output.print(row, out -> out.printf("FMA peak: %.1f GFLOPS on %d thread(s), %.1f per thread (%d-bit vectors)%n",
                gflops, threads, gflops / threads, Simd.F.vectorBitSize()));
    }
}
