package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.reference.RefLayerNorm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench layernorm}: layer norm (LN, with weight and bias, eps 1e-5) over [T, d_model] rows, the
 * SIMD kernel (parallel over rows) against its scalar twin on one thread, best of several runs after warm-up.
 */
@Command(name = "layernorm", mixinStandardHelpOptions = true,
        description = "Layer norm forward over [T, d_model] rows (LN with weight and bias): SIMD kernel vs scalar twin.")
public final class BenchLayerNormCommand implements Runnable {
    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", defaultValue = "1024", description = "Rows (default: ${DEFAULT-VALUE}).")
    int t;

    @Option(names = "--d-model", paramLabel = "D", defaultValue = "512", description = "Row width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "1000",
            description = "Warm-up before timing, in milliseconds (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--t", t);
        BenchOutput.atLeastOne("--d-model", dModel);
        if ((long) t * dModel > 1 << 26) throw new UsageException("T·d_model = " + (long) t * dModel + " floats is too large; use a smaller --t or --d-model");
        BenchOutput.warmup(warmupMillis);
        Random rnd = new Random(t * 31L + dModel);
        float[] x = new float[t * dModel], out = new float[t * dModel], w = new float[dModel], b = new float[dModel], scale = new float[t];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < dModel; i++) {
            w[i] = 1 + 0.1f * (float) rnd.nextGaussian();
            b[i] = 0.1f * (float) rnd.nextGaussian();
        }
        KernelBench k = KernelBench.of(() -> LayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale), 20,
                () -> RefLayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale), 5, warmupMillis);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", t);
        row.put("d_model", dModel);
        row.put("threads", nThreads);
        row.put("ms", BenchOutput.round3(k.seconds() * 1e3));
        k.putTwin(row);
        row.put("gb_per_s", BenchOutput.round3(2.0 * 4 * t * dModel / k.seconds() / 1e9));
        output.print(row, pw -> pw.printf("layer norm [%d, %d] on %d thread(s): %.3f ms (%.1f GB/s read+write); scalar twin %.3f ms; speedup %.1fx%n",
                t, dModel, nThreads, k.seconds() * 1e3, row.get("gb_per_s"), k.twinSeconds() * 1e3, row.get("speedup")));
    }
}
