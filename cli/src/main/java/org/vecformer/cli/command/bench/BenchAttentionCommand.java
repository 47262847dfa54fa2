package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.diag.FmaPeak;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.reference.RefAttention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench attention}: the fused causal attention kernel on a fused [T, 3·H·D] QKV buffer, best of
 * several runs after a warm-up ({@code --warmup}). GFLOPS count only the causal half: {@code 2·2·H·D·T(T+1)/2}
 * (Q·Kᵀ and P·V). Up to {@link #TWIN_MAX_T} it also times the scalar twin and prints the speedup.
 *
 * <p>Its share of the FMA peak divides those GFLOPS by the peak ({@link FmaPeak}, as {@code bench peak} times it) on as
 * many threads, the two timed in the same process in alternating rounds after each has warmed up
 * ({@link BestOf#alternating}), each keeping its best: the shared hosts this runs on drift by 20-30% between minutes,
 * and a kernel timed in a slow minute against a peak read in a fast one (or the reverse) says more of the minute than
 * of the kernel. At T = 1,024 on one thread (Zen 5) separate processes of one build read 6.1 to 8.8 ms within twenty
 * minutes while the peak moved between 233 and 248 GFLOPS.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Fused causal multi-head attention: ms (best of several runs) and GFLOPS of the causal half.")
public final class BenchAttentionCommand implements Runnable {
    /** Longest T for which the (slow, double-precision) scalar twin is timed too. */
    static final int TWIN_MAX_T = 256;
    /** Rounds in which the kernel and the FMA peak are timed in turn once both are stable (as {@code bench train} does with its GEMM). */
    private static final int ALTERNATING_ROUNDS = 3;
    /** Iterations of one timed peak call: 24 million FMAs per thread, a few milliseconds, about one T = 1,024 call. */
    private static final long PEAK_ITERATIONS = 2_000_000L;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", description = "Sequence length (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int t;

    @Option(names = "--heads", paramLabel = "H", description = "Heads (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    int heads;

    @Option(names = "--d-head", paramLabel = "D", description = "Head dimension (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int dHead;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "3000",
            description = "Warm-up before timing, in milliseconds (default: ${DEFAULT-VALUE}); C2 takes seconds to compile the large kernels on a busy machine.")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--t", t);
        BenchOutput.warmup(warmupMillis);
        BenchOutput.atLeastOne("--heads", heads);
        BenchOutput.atLeastOne("--d-head", dHead);
        int width = heads * dHead, ld = 3 * width;
        if ((long) t * ld > 1 << 27) throw new UsageException("T·3·H·D = " + (long) t * ld + " floats is too large; use a smaller --t, --heads or --d-head");
        Random rnd = new Random(t);
        float[] qkv = new float[t * ld], z = new float[t * width];
        for (int i = 0; i < qkv.length; i++) qkv[i] = rnd.nextFloat() * 2 - 1;
        Runnable fused = () -> Attention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, z, 0, width, null, 0);
        BestOf.Timing[] timing = BestOf.alternating(10, ALTERNATING_ROUNDS, warmupMillis, fused,
                () -> FmaPeak.runOnThreads(nThreads, PEAK_ITERATIONS));
        double seconds = timing[0].seconds(), peak = FmaPeak.gflops(nThreads, PEAK_ITERATIONS, timing[1].seconds());
        double flops = 2.0 * 2.0 * heads * dHead * ((double) t * (t + 1) / 2), gflops = flops / seconds / 1e9;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", t);
        row.put("heads", heads);
        row.put("d_head", dHead);
        row.put("threads", nThreads);
        row.put("ms", BenchOutput.round3(seconds * 1e3));
        row.put("gflops", BenchOutput.round3(gflops));
        row.put("peak_gflops", BenchOutput.round3(peak));
        row.put("peak_share", BenchOutput.round3(gflops / peak));
        if (t <= TWIN_MAX_T) {
            double twin = BestOf.seconds(() -> RefAttention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld,
                    z, 0, width, null, 0), 3, warmupMillis / 3);
            new KernelBench(seconds, twin).putTwin(row);
        }
        output.print(row, w -> {
            w.printf("causal attention T=%d, %d heads x %d on %d thread(s): %.3f ms, %.1f GFLOPS (causal half)%n",
                    t, heads, dHead, nThreads, seconds * 1e3, row.get("gflops"));
            w.printf("  %.1f%% of the FMA peak (%.1f GFLOPS, timed in turn with the kernel)%n", 100 * gflops / peak, peak);
            if (row.containsKey("speedup")) w.printf("  scalar twin %.3f ms; speedup %.1fx%n", row.get("twin_ms"), row.get("speedup"));
        });
    }
}
