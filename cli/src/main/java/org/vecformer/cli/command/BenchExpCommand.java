package org.vecformer.cli.command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.cli.render.Json;
import org.vecformer.engine.kernel.JdkVectorExp;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.reference.RefExp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer bench exp}: e^x over n floats in [-30, 0] (the softmax range) on one thread, ns per element:
 * our polynomial {@link VectorExp}, the JDK's lanewise {@code VectorOperators.EXP} ({@link JdkVectorExp}) and a
 * scalar {@link Math#exp} loop. The two vector kernels are timed in alternating rounds, best of each kept, so a
 * busy machine hurts both alike; issue 4 keeps the faster of the two (both meet its accuracy bound).
 */
@Command(name = "exp", mixinStandardHelpOptions = true,
        description = {"e^x over n floats on one thread, ns per element: our vector exp vs VectorOperators.EXP vs a scalar Math.exp loop.",
                "exp is a one-thread kernel (softmax calls it per row), so there is no --threads."})
public final class BenchExpCommand implements Runnable {
    /** Alternating rounds of the two vector kernels; each keeps the best of {@link #RUNS} calls. */
    private static final int ROUNDS = 5, RUNS = 40;

    @Spec
    CommandSpec spec;

    @Option(names = "--n", paramLabel = "N", defaultValue = "65536", description = "Elements (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "1000",
            description = "Warm-up of each kernel before timing, in milliseconds (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Option(names = "--json", description = "Print a JSON object instead of text.")
    boolean json;

    @Override
    public void run() {
        if (n < 1 || n > 1 << 26) throw new UsageException("--n must be in [1, 2^26], not " + n);
        if (warmupMillis < 0) throw new UsageException("--warmup must be >= 0 milliseconds, not " + warmupMillis);
        Random rnd = new Random(n);
        float[] x = new float[n], out = new float[n];
        for (int i = 0; i < n; i++) x[i] = -30 * rnd.nextFloat();
        Runnable ours = () -> VectorExp.exp(n, x, 0, out, 0), jdk = () -> JdkVectorExp.exp(n, x, 0, out, 0);
        double best = Double.MAX_VALUE, bestJdk = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long warm = r == 0 ? warmupMillis : 0;
            best = Math.min(best, BestOf.seconds(ours, RUNS, warm));
            bestJdk = Math.min(bestJdk, BestOf.seconds(jdk, RUNS, warm));
        }
        double scalar = BestOf.seconds(() -> RefExp.exp(n, x, 0, out, 0), 10, warmupMillis / 2);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("n", n);
        row.put("threads", 1);
        row.put("vector_exp_ns", perElement(best));
        row.put("jdk_exp_ns", perElement(bestJdk));
        row.put("scalar_exp_ns", perElement(scalar));
        row.put("faster", best <= bestJdk ? "vector_exp" : "jdk_exp");
        row.put("speedup_over_scalar", BenchSoftmaxCommand.round(scalar / best));
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(Json.write(row));
            return;
        }
        w.printf("exp of %d floats on 1 thread, ns per element: ours (VectorExp) %.3f, VectorOperators.EXP %.3f, scalar Math.exp %.3f; ours is %.1fx scalar, %s is the faster vector kernel%n",
                n, row.get("vector_exp_ns"), row.get("jdk_exp_ns"), row.get("scalar_exp_ns"), row.get("speedup_over_scalar"),
                best <= bestJdk ? "ours" : "VectorOperators.EXP");
    }

    private double perElement(double seconds) {
        return Math.round(seconds / n * 1e9 * 1e4) / 1e4;
    }
}
