package org.vecformer.cli.command.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.reference.ScalarOps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vecformer bench dot}: the SIMD dot kernel against its scalar twin, in GFLOPS. */
@Command(name = "dot", mixinStandardHelpOptions = true,
        description = "Dot product: SIMD kernel vs scalar twin, GFLOPS (2 flops per element).")
public final class BenchDotCommand implements Runnable {
    @Option(names = "--n", split = ",", paramLabel = "N[,N...]", description = "Vector lengths (default: ${DEFAULT-VALUE}).",
            defaultValue = "1024,65536")
    List<Integer> lengths;

    @Mixin
    BenchOutput output;

    private static float sink;

    @Override
    public void run() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n : lengths) {
            BenchOutput.atLeastOne("--n", n);
            Random rnd = new Random(n);
            float[] x = new float[n], y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextFloat();
                y[i] = rnd.nextFloat();
            }
            int reps = Math.max(1, 1_000_000 / n);
            double simd = BestOf.seconds(() -> {
                for (int r = 0; r < reps; r++) sink += VectorOps.dot(n, x, 0, y, 0);
            }, 7, 300) / reps;
            double scalar = BestOf.seconds(() -> {
                for (int r = 0; r < reps; r++) sink += (float) ScalarOps.dot(n, x, 0, y, 0);
            }, 7, 300) / reps;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", n);
            row.put("gflops", round(2.0 * n / simd / 1e9));
            row.put("scalar_gflops", round(2.0 * n / scalar / 1e9));
            row.put("speedup", round(scalar / simd));
            rows.add(row);
        }
        output.print(rows, out -> {
            out.printf("%10s %12s %14s %9s%n", "n", "SIMD GFLOPS", "scalar GFLOPS", "speedup");
            for (Map<String, Object> r : rows) {
                out.printf("%10d %12.2f %14.2f %8.1fx%n", r.get("n"), r.get("gflops"), r.get("scalar_gflops"), r.get("speedup"));
            }
        });
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
