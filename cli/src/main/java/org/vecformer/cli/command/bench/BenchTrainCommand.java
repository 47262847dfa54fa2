package org.vecformer.cli.command.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.model.train.StepFlops;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench train}: tokens/s of whole training steps (forward, cross-entropy, backward, clip, AdamW)
 * through {@link Trainer#step()}, on seeded uniform random tokens; tokens/s = batch·n_ctx·steps / seconds of the
 * fastest block of {@code steps} steps after warm-up. Defaults: the induction task's model and batch.
 *
 * <p>It also says how close the step comes to the bound of its matrix products: effective GFLOPS =
 * {@link StepFlops} / step time, and the share of a GEMM-bound step = effective GFLOPS / the GFLOPS of our GEMM on the
 * step's largest product (x [batch·n_ctx, d_model] · W_Q|K|V [d_model, 3·n_heads·d_head]) on as many threads. The two
 * are timed in the same process, in alternating rounds after each has warmed up ({@link BestOf#alternating}), each
 * keeping its best, so a machine whose speed drifts by the minute (shared cloud hosts drift by 20%) is caught at its
 * fast minutes for both.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Time full training steps (forward + backward + clip + AdamW) on seeded random tokens, best of several blocks.")
public final class BenchTrainCommand implements Callable<Integer> {
    /**
     * Rounds in which the steps and the reference GEMM are timed in turn once both are stable. With one, a d_model 512
     * step read 76.6% of a GEMM that had read 186 GFLOPS during a slow minute of the machine and 199-206 just before
     * and after; three give each a fast minute to be caught in.
     */
    private static final int ALTERNATING_ROUNDS = 3;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2", description = "Attention layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--d-model", paramLabel = "D", defaultValue = "64", description = "Residual width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "4", description = "Heads per layer (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--d-head", paramLabel = "E", description = "Head width (default: d_model / heads).")
    Integer dHead;

    @Option(names = "--ctx", paramLabel = "C", defaultValue = "64", description = "Sequence length n_ctx (default: ${DEFAULT-VALUE}).")
    int ctx;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "64", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "10", description = "Steps per timed block (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed blocks per round once warm; the best is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "3000", description = "Warm-up in milliseconds (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--heads", heads);
        BenchOutput.atLeastOne("--batch", batch);
        BenchOutput.atLeastOne("--steps", steps);
        BenchOutput.atLeastOne("--runs", runs);
        if (warmup < 0) throw new UsageException("--warmup must be >= 0, not " + warmup);
        if (dHead == null && heads > 0 && dModel % heads != 0) {
            throw new UsageException("--d-model " + dModel + " is not a multiple of --heads " + heads + "; give --d-head");
        }
        int e = dHead == null ? dModel / heads : dHead;
        Config c;
        Trainer trainer;
        try {
            c = Config.of(layers, dModel, heads, e, ctx, vocab);
            trainer = Trainer.forThroughput(c, batch, 2e-3, 1);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
        int rows = batch * ctx, dm = c.dModel(), qkv = 3 * c.nHeads() * c.dHead();
        float[] x = new float[rows * dm], w = new float[dm * qkv], y = new float[rows * qkv];
        Arrays.fill(x, 0.5f);
        Arrays.fill(w, 0.25f);
        TimingProgress progress = new TimingProgress(output.err(), "timing training steps", steps, "ms/step");
        BestOf.Timing[] t = BestOf.alternating(runs, ALTERNATING_ROUNDS, warmup, progress.wrap(() -> {
            for (int s = 0; s < steps; s++) trainer.step();
        }), () -> Gemm.sgemm(Transpose.N, Transpose.N, rows, qkv, dm, 1f, x, 0, dm, w, 0, qkv, 0f, y, 0, qkv));
        progress.finish();
        double seconds = t[0].seconds(), gflops = StepFlops.of(c, batch) * steps / seconds / 1e9;
        double gemmGflops = 2.0 * rows * qkv * dm / t[1].seconds() / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("layers", layers);
        r.put("d_model", dModel);
        r.put("heads", heads);
        r.put("d_head", e);
        r.put("ctx", ctx);
        r.put("vocab", vocab);
        r.put("batch", batch);
        r.put("threads", nThreads);
        r.put("steps", steps);
        r.put("tokens_per_s", Math.round((double) batch * ctx * steps / seconds));
        r.put("ms_per_step", Math.round(seconds / steps * 1e6) / 1e3);
        r.put("gflops", Math.round(gflops * 10) / 10.0);
        r.put("gemm_shape", rows + "x" + qkv + "x" + dm);
        r.put("gemm_gflops", Math.round(gemmGflops * 10) / 10.0);
        r.put("gemm_bound", Math.round(gflops / gemmGflops * 1000) / 1000.0);
        output.print(r, out -> out.printf("training step (%d layers, d_model %d, %d heads of %d, n_ctx %d, d_vocab %d, batch %d) on %d threads: "
                        + "%.3f ms/step, %d tokens/s (best of rounds of %d blocks of %d steps)%n"
                        + "  %.1f GFLOPS in its matrix products = %.1f%% of a step bound by our GEMM (%s at %.1f GFLOPS, timed in turn with the steps)%n",
                layers, dModel, heads, e, ctx, vocab, batch, nThreads, r.get("ms_per_step"), r.get("tokens_per_s"), runs, steps,
                gflops, 100 * gflops / gemmGflops, r.get("gemm_shape"), gemmGflops));
        return 0;
    }
}
