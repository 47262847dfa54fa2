package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.kernel.LayerNorm;
import org.vecformer.engine.reference.RefLayerNorm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench layernorm}: layer norm (LN, with weight and bias, eps 1e-5) over [T, d_model] rows, the
 * SIMD kernel (parallel over rows) against its scalar twin on one thread, best of several runs after warm-up.
 */
@Command(name = "layernorm", mixinStandardHelpOptions = true,
        description = "Layer norm forward over [T, d_model] rows (LN with weight and bias): SIMD kernel vs scalar twin.")
public final class BenchLayerNormCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", defaultValue = "1024", description = "Rows (default: ${DEFAULT-VALUE}).")
    int t;

    @Option(names = "--d-model", paramLabel = "D", defaultValue = "512", description = "Row width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "1000",
            description = "Warm-up before timing, in milliseconds (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public void run() {
        int nThreads = threads.apply();
        if (t < 1) throw new UsageException("--t must be >= 1, not " + t);
        if (dModel < 1) throw new UsageException("--d-model must be >= 1, not " + dModel);
        if ((long) t * dModel > 1 << 26) throw new UsageException("T·d_model = " + (long) t * dModel + " floats is too large; use a smaller --t or --d-model");
        if (warmupMillis < 0) throw new UsageException("--warmup must be >= 0 milliseconds, not " + warmupMillis);
        Random rnd = new Random(t * 31L + dModel);
        float[] x = new float[t * dModel], out = new float[t * dModel], w = new float[dModel], b = new float[dModel], scale = new float[t];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < dModel; i++) {
            w[i] = 1 + 0.1f * (float) rnd.nextGaussian();
            b[i] = 0.1f * (float) rnd.nextGaussian();
        }
        double simd = BestOf.seconds(() -> LayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale), 20, warmupMillis);
        double twin = BestOf.seconds(() -> RefLayerNorm.forward(x, 0, dModel, t, dModel, w, b, 1e-5f, out, 0, dModel, scale), 5, warmupMillis / 3);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", t);
        row.put("d_model", dModel);
        row.put("threads", nThreads);
        row.put("ms", BenchSoftmaxCommand.round(simd * 1e3));
        row.put("twin_ms", BenchSoftmaxCommand.round(twin * 1e3));
        row.put("speedup", BenchSoftmaxCommand.round(twin / simd));
        row.put("gb_per_s", BenchSoftmaxCommand.round(2.0 * 4 * t * dModel / simd / 1e9));
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(Json.write(row));
            return;
        }
        pw.printf("layer norm [%d, %d] on %d thread(s): %.3f ms (%.1f GB/s read+write); scalar twin %.3f ms; speedup %.1fx%n",
                t, dModel, nThreads, simd * 1e3, row.get("gb_per_s"), twin * 1e3, row.get("speedup"));
    }
}
