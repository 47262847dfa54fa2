package org.vecformer.cli.command.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.ThreadsOption;

/** {@code vecformer bench forward}: best-of-N time of one forward over T random tokens. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Time one forward pass (logits of every position) over T seeded random tokens, best of several runs.")
public final class BenchForwardCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", description = "Sequence length (default: the model's n_ctx).")
    Integer t;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed runs after warm-up; the best is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws IOException {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--runs", runs);
        ModelFile m = model.load();
        Config c = m.config();
        int len = t == null ? c.nCtx() : t;
        if (len < 1 || len > c.nCtx()) throw new UsageException("--t must be in [1, n_ctx = " + c.nCtx() + "], not " + len);
        SplittableRandom rnd = new SplittableRandom(len);
        int[] tokens = rnd.ints(len, 0, c.dVocab()).toArray();
        Transformer transformer = m.transformer();
        TimingProgress progress = new TimingProgress(output.err(), "timing forwards of " + len + " tokens", 1, "ms");
        double seconds = BestOf.seconds(progress.wrap(() -> transformer.forward(tokens)), runs, 2000);
        progress.finish();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("t", len);
        r.put("threads", nThreads);
        r.put("ms", BenchOutput.ms(seconds));
        r.put("tokens_per_s", Math.round(len / seconds));
        r.put("n_layers", c.nLayers());
        r.put("d_model", c.dModel());
        r.put("n_heads", c.nHeads());
        r.put("d_vocab", c.dVocab());
        output.print(r, out -> out.printf(
                "forward of %d tokens (%d layers, d_model %d, %d heads, d_vocab %d) on %d threads: %.3f ms, %d tokens/s (best of %d)%n",
                len, c.nLayers(), c.dModel(), c.nHeads(), c.dVocab(), nThreads, r.get("ms"), r.get("tokens_per_s"), runs));
        return 0;
    }
}
