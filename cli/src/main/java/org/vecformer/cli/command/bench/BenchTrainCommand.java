package org.vecformer.cli.command.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
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
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Time full training steps (forward + backward + clip + AdamW) on seeded random tokens, best of several blocks.")
public final class BenchTrainCommand implements Callable<Integer> {
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

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed blocks after warm-up; the best is kept (default: ${DEFAULT-VALUE}).")
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
        Trainer trainer;
        try {
            trainer = Trainer.forThroughput(Config.of(layers, dModel, heads, e, ctx, vocab), batch, 2e-3, 1);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
        double seconds = BestOf.seconds(() -> {
            for (int s = 0; s < steps; s++) trainer.step();
        }, runs, warmup);
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
        output.print(r, out -> out.printf("training step (%d layers, d_model %d, %d heads of %d, n_ctx %d, d_vocab %d, batch %d) on %d threads: %.3f ms/step, %d tokens/s (best of %d blocks of %d steps)%n",
                layers, dModel, heads, e, ctx, vocab, batch, nThreads, r.get("ms_per_step"), r.get("tokens_per_s"), runs, steps));
        return 0;
    }
}
