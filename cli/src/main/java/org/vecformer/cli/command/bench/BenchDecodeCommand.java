package org.vecformer.cli.command.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.KvCache;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench decode}: one generation step with a KV cache, i.e. the logits of the token at position p
 * given a cache of p positions ({@link KvCache#append} of one token, then {@link KvCache#truncate} back to p), on a
 * seeded random model. Defaults: the attn-only-2l shape (2 layers, d_model 512, 8 heads × 64, n_ctx 1024, d_vocab 48262, LN).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Time one decode step (one new token against a KV cache of p positions) of a random model, best of several runs.")
public final class BenchDecodeCommand implements Runnable {
    @Mixin
    ThreadsOption threads;

    @Option(names = "--p", paramLabel = "P", defaultValue = "512", description = "Positions already in the cache (default: ${DEFAULT-VALUE}).")
    int p;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2", description = "Attention layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--d-model", paramLabel = "D", defaultValue = "512", description = "Residual width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "8", description = "Heads per layer (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--d-head", paramLabel = "E", defaultValue = "64", description = "Head width (default: ${DEFAULT-VALUE}).")
    int dHead;

    @Option(names = "--ctx", paramLabel = "C", defaultValue = "1024", description = "n_ctx (default: ${DEFAULT-VALUE}).")
    int ctx;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "48262", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "20", description = "Timed steps after warm-up; the best is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "MS", defaultValue = "2000", description = "Warm-up in milliseconds (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Mixin
    BenchOutput output;

    @Override
    public void run() {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--runs", runs);
        BenchOutput.warmup(warmupMillis);
        Config c;
        try {
            c = Config.of(layers, dModel, heads, dHead, ctx, vocab);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " (set it with --layers, --d-model, --heads, --d-head, --ctx or --vocab)");
        }
        if (p < 0 || p >= ctx) throw new UsageException("--p must be in [0, n_ctx - 1 = " + (ctx - 1) + "], not " + p);
        int[] tokens = new SplittableRandom(p).ints(p + 1, 0, vocab).toArray();
        KvCache cache = new Transformer(Weights.init(c, 1)).kvCache();
        if (p > 0) cache.append(Arrays.copyOf(tokens, p));
        int next = tokens[p];
        double seconds = BestOf.seconds(() -> {
            cache.append(next);
            cache.truncate(p);
        }, runs, warmupMillis);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("p", p);
        r.put("threads", nThreads);
        r.put("ms", BenchOutput.ms(seconds));
        r.put("tokens_per_s", Math.round(1 / seconds));
        r.put("n_layers", layers);
        r.put("d_model", dModel);
        r.put("n_heads", heads);
        r.put("d_head", dHead);
        r.put("d_vocab", vocab);
        output.print(r, out -> out.printf(
                "decode step at p=%d (%d layers, d_model %d, %d heads x %d, d_vocab %d) on %d thread(s): %.3f ms, %d tokens/s (best of %d)%n",
                p, layers, dModel, heads, dHead, vocab, nThreads, r.get("ms"), r.get("tokens_per_s"), runs));
    }
}
