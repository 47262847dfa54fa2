package org.vecformer.cli.command.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench gemm}: GFLOPS ({@code 2·m·n·k} per call) of {@link Gemm#sgemm} on square sizes and
 * the transformer's own products, best of several runs once warm-up has made the time stable ({@link BestOf}: the
 * JSON's {@code discarded_calls} says how many calls that took). A shape {@code MxNxK} times A [m,k] by
 * B [k,n]; {@code MxNxKxT} times A by Bᵀ with B stored [n,k] (attention scores).
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Matrix product C = A·op(B) in GFLOPS (best of several runs once the time is stable after warm-up).")
public final class BenchGemmCommand implements Runnable {
    /** Square sizes, then QKV projection, scores (A·Bᵀ), pattern·V, W_O and unembedding. */
    static final String DEFAULT_SHAPES = "256x256x256,512x512x512,1024x1024x1024,1024x1536x512,1024x1024x64xT,"
            + "1024x64x1024,1024x512x512,1024x48262x512";

    @Mixin
    ThreadsOption threads;

    @Option(names = "--shapes", split = ",", paramLabel = "MxNxK[xT],...",
            description = "Products to time; a trailing xT multiplies by Bᵀ (default: ${DEFAULT-VALUE}).",
            defaultValue = DEFAULT_SHAPES)
    List<String> shapes;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed runs per shape, the best is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "500",
            description = "Untimed calls per shape for at least this many milliseconds after its first call (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    /** One product to time. */
    record Shape(int m, int n, int k, boolean transB) {
        static Shape parse(String text) {
            String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
            boolean transB = parts.length == 4 && parts[3].equals("t");
            if (parts.length != 3 && !transB) throw bad(text);
            try {
                Shape s = new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), transB);
                if (s.m < 1 || s.n < 1 || s.k < 1) throw bad(text);
                if ((long) s.m * s.k + (long) s.k * s.n + (long) s.m * s.n > Integer.MAX_VALUE - 8) {
                    throw new UsageException("--shapes: " + text + " is too large for Java arrays; use smaller sizes");
                }
                return s;
            } catch (NumberFormatException e) {
                throw bad(text);
            }
        }

        private static UsageException bad(String text) {
            return new UsageException("--shapes: '" + text + "' is not MxNxK or MxNxKxT with sizes >= 1 (e.g. 512x512x512,1024x1024x64xT)");
        }
    }

    @Override
    public void run() {
        BenchOutput.atLeastOne("--runs", runs);
        BenchOutput.warmup(warmupMillis);
        List<Shape> parsed = shapes.stream().map(Shape::parse).toList();
        int nThreads = threads.apply();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            Shape s = parsed.get(i);
            Random rnd = new Random(42);
            float[] a = random(rnd, s.m * s.k), b = random(rnd, s.k * s.n), c = new float[s.m * s.n];
            Transpose tb = s.transB ? Transpose.T : Transpose.N;
            int ldb = s.transB ? s.k : s.n;
            TimingProgress progress = new TimingProgress(output.err(), String.format(Locale.ROOT, "GEMM %dx%dx%d%s (%d of %d)",
                    s.m, s.n, s.k, s.transB ? "xT" : "", i + 1, parsed.size()), 1, "ms");
            BestOf.Timing timing = BestOf.time(progress.wrap(
                    () -> Gemm.sgemm(Transpose.N, tb, s.m, s.n, s.k, 1f, a, 0, s.k, b, 0, ldb, 0f, c, 0, s.n)), runs, warmupMillis);
            progress.finish();
            double seconds = timing.seconds();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("m", s.m);
            row.put("n", s.n);
            row.put("k", s.k);
            row.put("trans_b", s.transB);
            row.put("threads", nThreads);
            row.put("gflops", Math.round(2.0 * s.m * s.n * s.k / seconds / 1e6) / 1000.0);
            row.put("millis", Math.round(seconds * 1e6) / 1000.0);
            row.put("discarded_calls", timing.discardedCalls());
            row.put("blocking", Gemm.blocking());
            rows.add(row);
        }
        output.print(rows, out -> {
            out.println("GEMM blocking: " + Gemm.blocking());
            out.printf("%22s %8s %10s %10s%n", "shape (m x n x k)", "threads", "GFLOPS", "ms");
            for (Map<String, Object> r : rows) {
                String shape = r.get("m") + "x" + r.get("n") + "x" + r.get("k") + (Boolean.TRUE.equals(r.get("trans_b")) ? " (B^T)" : "");
                out.printf("%22s %8d %10.2f %10.3f%n", shape, r.get("threads"), r.get("gflops"), r.get("millis"));
            }
        });
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }
}
