package org.vecformer.cli.command.train;

import java.nio.file.Path;
import java.util.List;
import org.vecformer.cli.UsageException;
import org.vecformer.model.transformer.PositionalEmbedding;
import picocli.CommandLine.Option;

/**
 * The options of {@code demo --text}: the corpus, the time budget, the BPE vocabulary and the shape every model of
 * the three runs shares (0, 1 and 2 layers of {@code --heads} heads of d_model / heads). Null means "not given": the
 * plain demo refuses them, the text demo takes the documented default.
 */
final class TextDemoOptions {
    static final double MINUTES = 25;
    /**
     * The recipe under which an induction head forms on the dictionary (dict-gcide, 40 MB) within the default budget on
     * 2 cores and holds to the end; docs/benchmarks.md has the runs. Small batches of short sequences reach a given
     * induction score in fewer tokens (8 × 128 got as far in 20M tokens as 32 × 128 in 70M on English reST; 4 × 256,
     * lr 1e-3 and lr 1e-2 did worse). After 20M tokens of 2-layer training with shortformer positions and BPE 1,024 the
     * best layer-1 head read 0.24 at d_model 192 (4 heads of 48), 0.23 at d_model 128 with 2 heads of 64 and 0.22 with
     * 4 heads of 32; BPE 2,048 read 0.18 at d_model 128 and 0.09 at 64; n_ctx 256 did worse. Standard positions at BPE
     * 1,024 and d_model 128 never passed 0.19 in 70M tokens. BPE 1,024 still keeps about a hundred common words whole
     * (' genus', ' species', ' water'), so the skip-trigrams read in words.
     */
    static final int VOCAB = 1024, D_MODEL = 192, HEADS = 4, CTX = 128, BATCH = 8;
    static final double LR = 3e-3;
    /** TransformerLens' name of the default positional embedding (read as the flag is, {@link TrainCommand#positionalKind}). */
    static final String POSITIONAL = "shortformer";

    @Option(names = "--text", arity = "1..*", paramLabel = "PATH",
            description = {"Train on this text instead (files, directories read recursively, .gz and .dz; all of them one corpus):",
                    "a BPE tokenizer, then 0-, 1- and 2-layer models and their circuits."})
    List<Path> text;

    @Option(names = "--minutes", paramLabel = "M", description = "With --text: the time budget of the whole demo (default 25); the step counts come from it.")
    Double minutes;

    @Option(names = "--vocab", paramLabel = "N", description = "With --text: tokens of the BPE tokenizer (default 1024).")
    Integer vocab;

    @Option(names = "--d-model", paramLabel = "D", description = "With --text: d_model of the three models (default 192).")
    Integer dModel;

    @Option(names = "--heads", paramLabel = "H", description = "With --text: heads per layer, each of d_model/H (default 4).")
    Integer heads;

    @Option(names = "--ctx", paramLabel = "C", description = "With --text: n_ctx (default 128).")
    Integer ctx;

    @Option(names = "--lr", paramLabel = "X", description = "With --text: peak learning rate (default 0.003).")
    Double lr;

    @Option(names = "--batch", paramLabel = "B", description = "With --text: sequences per step (default 8).")
    Integer batch;

    @Option(names = "--positional", paramLabel = "KIND", description = {"With --text: TransformerLens positional_embedding_type, shortformer (W_pos",
            "added to the input of Q and K only, as in the attn-only-Nl models; default) or standard (added to the residual stream)."})
    String positional;

    /** Explicit steps of the 0-, 1- and 2-layer run, instead of the budget's (tests; repeating a run exactly). */
    @Option(names = "--steps", hidden = true, split = ",", paramLabel = "S0,S1,S2")
    List<Integer> steps;

    /** Refuses the text options on the plain demo. */
    void refuseWithoutText() {
        for (Object given : new Object[] {minutes, vocab, dModel, heads, ctx, lr, batch, positional, steps}) {
            if (given != null) throw new UsageException("--minutes, --vocab, --d-model, --heads, --ctx, --lr, --batch and --positional go with --text PATH");
        }
    }

    /** The settings with defaults filled in, checked. */
    TextDemo.Settings settings() {
        double m = minutes == null ? MINUTES : minutes;
        if (!(m > 0)) throw new UsageException("--minutes must be > 0, not " + m);
        int v = vocab == null ? VOCAB : vocab, d = dModel == null ? D_MODEL : dModel, h = heads == null ? HEADS : heads;
        int c = ctx == null ? CTX : ctx, b = batch == null ? BATCH : batch;
        double x = lr == null ? LR : lr;
        PositionalEmbedding pe = TrainCommand.positionalKind(positional == null ? POSITIONAL : positional);
        if (h < 1 || d < 1 || d % h != 0) throw new UsageException("--d-model " + d + " must be a positive multiple of --heads " + h);
        if (c < 8) throw new UsageException("--ctx must be >= 8 (the head scores repeat n_ctx/4 tokens), not " + c);
        if (b < 1) throw new UsageException("--batch must be >= 1, not " + b);
        if (!(x > 0)) throw new UsageException("--lr must be > 0, not " + x);
        if (steps != null && (steps.size() != 3 || steps.stream().anyMatch(s -> s < 1))) {
            throw new UsageException("--steps takes three positive counts S0,S1,S2, not " + steps);
        }
        return new TextDemo.Settings(text, m, v, d, h, c, b, x, pe, steps == null ? null : steps.stream().mapToInt(Integer::intValue).toArray());
    }
}
