package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.reference.RefSoftmax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer bench softmax}: the SIMD row softmax of a [T, T] score matrix against its scalar Math.exp twin. */
@Command(name = "softmax", mixinStandardHelpOptions = true,
        description = "Row softmax of a [T, T] score matrix (scaled, no mask): SIMD kernel vs scalar twin (Math.exp in double).")
public final class BenchSoftmaxCommand implements Runnable {
    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", description = "Rows and columns (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int t;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "2000",
            description = "Warm-up before timing, in milliseconds (default: ${DEFAULT-VALUE}); C2 takes seconds to compile the large kernels on a busy machine.")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--t", t);
        BenchOutput.warmup(warmupMillis);
        if ((long) t * t > 1 << 26) throw new UsageException("--t " + t + " is too large: T·T must stay below 2^26 floats; use --t 8192 or less");
        Random rnd = new Random(t);
        float[] x = new float[t * t], out = new float[t * t];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 16 - 8;
        float scale = 0.125f;
        KernelBench k = KernelBench.of(() -> Softmax.softmax(x, 0, t, t, t, scale, false, 0, out, 0, t), 7,
                () -> RefSoftmax.softmax(x, 0, t, t, t, scale, false, 0, out, 0, t), 3, warmupMillis);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", t);
        row.put("threads", nThreads);
        row.put("ms", BenchOutput.round3(k.seconds() * 1e3));
        k.putTwin(row);
        row.put("gelem_per_s", BenchOutput.round3((double) t * t / k.seconds() / 1e9));
        output.print(row, w -> w.printf("softmax [%d, %d] on %d thread(s): %.3f ms (%.2f G elements/s); scalar twin %.3f ms; speedup %.1fx%n",
                t, t, nThreads, k.seconds() * 1e3, row.get("gelem_per_s"), k.twinSeconds() * 1e3, row.get("speedup")));
    }
}
