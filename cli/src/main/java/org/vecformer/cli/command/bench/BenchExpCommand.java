package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.diag.JdkVectorExp;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.reference.RefExp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vecformer bench exp}: e^x over n floats in [-30, 0] (the softmax range) on one thread, ns per element:
 * our polynomial {@link VectorExp}, the JDK's lanewise {@code VectorOperators.EXP} ({@link JdkVectorExp}) and a
 * scalar {@link Math#exp} loop. The vector kernels are each made stable ({@link BestOf#alternating}), then timed in alternating rounds, best of
 * each kept, so a busy machine hurts both alike; both meet the accuracy bound of an exp kernel, and the figures show what the JDK's would gain.
 * Also timed: {@link VectorExp#exp2NonPositive}, the 2^x form softmax and attention use, on the same values (x·log2 e).
 */
@Command(name = "exp", mixinStandardHelpOptions = true,
        description = {"e^x over n floats on one thread, ns per element: our vector exp vs VectorOperators.EXP vs a scalar Math.exp loop.",
                "exp is a one-thread kernel (softmax calls it per row), so there is no --threads."})
public final class BenchExpCommand implements Runnable {
    /** Alternating rounds of the two vector kernels; each keeps the best of {@link #RUNS} timed batches. */
    private static final int ROUNDS = 5, RUNS = 5;
    /** Elements per timed batch: a batch calls the kernel over n elements max(1, BATCH_ELEMENTS / n) times in its own loop. */
    private static final int BATCH_ELEMENTS = 1 << 18;

    private static final double LOG2E = 1.4426950408889634;

    @Option(names = "--n", paramLabel = "N", defaultValue = "65536", description = "Elements (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "2000",
            description = "Warm-up before timing, both vector kernels in turn, in milliseconds (default: ${DEFAULT-VALUE}); C2 takes seconds to compile them on a busy machine.")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        if (n < 1 || n > 1 << 26) throw new UsageException("--n must be in [1, 2^26], not " + n);
        BenchOutput.warmup(warmupMillis);
        Random rnd = new Random(n);
        float[] x = new float[n], out = new float[n];
        float[] x2 = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -30 * rnd.nextFloat();
            x2[i] = (float) (x[i] * LOG2E);
        }
        int reps = Math.max(1, BATCH_ELEMENTS / n);
        Runnable ours = () -> {
            for (int r = 0; r < reps; r++) VectorExp.exp(n, x, 0, out, 0);
        };
        Runnable jdk = () -> {
            for (int r = 0; r < reps; r++) JdkVectorExp.exp(n, x, 0, out, 0);
        };
        Runnable softmaxForm = () -> {
            for (int r = 0; r < reps; r++) VectorExp.exp2NonPositive(n, x2, 0, out, 0);
        };
        BestOf.Timing[] vector = BestOf.alternating(RUNS, ROUNDS, warmupMillis, ours, jdk, softmaxForm);
        double best = vector[0].seconds(), bestJdk = vector[1].seconds(), best2 = vector[2].seconds();
        double scalar = BestOf.seconds(() -> {
            for (int r = 0; r < reps; r++) RefExp.exp(n, x, 0, out, 0);
        }, 3, warmupMillis / 2);
        long elements = (long) reps * n;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("n", n);
        row.put("threads", 1);
        row.put("vector_exp_ns", perElement(best, elements));
        row.put("jdk_exp_ns", perElement(bestJdk, elements));
        row.put("scalar_exp_ns", perElement(scalar, elements));
        row.put("vector_exp2_ns", perElement(best2, elements));
        row.put("faster", best <= bestJdk ? "vector_exp" : "jdk_exp");
        row.put("speedup_over_scalar", BenchOutput.round3(scalar / best));
        output.print(row, w -> w.printf("exp of %d floats on 1 thread, ns per element: ours (VectorExp) %.3f, VectorOperators.EXP %.3f, scalar Math.exp %.3f, our softmax form 2^x %.3f; ours is %.1fx scalar, %s is the faster vector e^x%n",
                n, row.get("vector_exp_ns"), row.get("jdk_exp_ns"), row.get("scalar_exp_ns"), row.get("vector_exp2_ns"), row.get("speedup_over_scalar"),
                best <= bestJdk ? "ours" : "VectorOperators.EXP"));
    }

    private static double perElement(double seconds, long elements) {
        return Math.round(seconds / elements * 1e9 * 1e4) / 1e4;
    }
}
