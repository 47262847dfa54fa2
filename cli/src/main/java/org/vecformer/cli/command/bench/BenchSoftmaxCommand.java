package org.vecformer.cli.command.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.reference.RefSoftmax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer bench softmax}: the SIMD row softmax of a [T, T] score matrix against its scalar Math.exp twin. */
@Command(name = "softmax", mixinStandardHelpOptions = true,
        description = "Row softmax of a [T, T] score matrix (scaled, no mask): SIMD kernel vs scalar twin (Math.exp in double).")
public final class BenchSoftmaxCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", description = "Rows and columns (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int t;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "2000",
            description = "Warm-up before timing, in milliseconds (default: ${DEFAULT-VALUE}); C2 takes seconds to compile the large kernels on a busy machine.")
    long warmupMillis;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public void run() {
        int nThreads = threads.apply();
        if (t < 1) throw new UsageException("--t must be >= 1, not " + t);
        if (warmupMillis < 0) throw new UsageException("--warmup must be >= 0 milliseconds, not " + warmupMillis);
        if ((long) t * t > 1 << 26) throw new UsageException("--t " + t + " is too large: T·T must stay below 2^26 floats; use --t 8192 or less");
        Random rnd = new Random(t);
        float[] x = new float[t * t], out = new float[t * t];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 16 - 8;
        float scale = 0.125f;
        double simd = BestOf.seconds(() -> Softmax.softmax(x, 0, t, t, t, scale, false, 0, out, 0, t), 7, warmupMillis);
        double twin = BestOf.seconds(() -> RefSoftmax.softmax(x, 0, t, t, t, scale, false, 0, out, 0, t), 3, warmupMillis / 3);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", t);
        row.put("threads", nThreads);
        row.put("ms", round(simd * 1e3));
        row.put("twin_ms", round(twin * 1e3));
        row.put("speedup", round(twin / simd));
        row.put("gelem_per_s", round((double) t * t / simd / 1e9));
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(Json.write(row));
            return;
        }
        w.printf("softmax [%d, %d] on %d thread(s): %.3f ms (%.2f G elements/s); scalar twin %.3f ms; speedup %.1fx%n",
                t, t, nThreads, simd * 1e3, row.get("gelem_per_s"), twin * 1e3, row.get("speedup"));
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
