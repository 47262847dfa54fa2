package org.vecformer.model.circuits;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;

/**
 * The scores of one model snapshot that show induction heads forming over training (Olsson et al. 2022): per head
 * the previous-token, duplicate-token and induction scores on repeated random tokens ({@link HeadDetector}) and,
 * given held-out text, the same on text ({@link TextHeadScores}: previous- and duplicate-token on plain windows;
 * induction on real windows followed by themselves), and the in-context learning score ({@link InContextLearning})
 * on held-out windows of n_ctx tokens — without text, on repeated random tokens [r, r] of n_ctx.
 *
 * @param random head scores on {@code batch} seeded [r₁..rₙ, r₁..rₙ]
 * @param text previous- and duplicate-token scores on held-out windows (empty without text)
 * @param repeatedText head scores on held-out windows of n tokens followed by themselves (empty without text);
 *                     its induction is the text induction score
 * @param icl the in-context learning score (on text, or on repeated random tokens)
 */
public record SnapshotScores(HeadDetector random, Optional<TextHeadScores> text, Optional<HeadDetector> repeatedText,
                             InContextLearning icl) {
    /**
     * Fewest held-out windows every text score averages over (and sequences the in-context learning score reads on
     * random tokens). Over 8 windows the in-context learning score, a difference of two single-position losses per
     * window, swung by up to a nat between neighbouring snapshots; and the induction score on 8 windows of 32 tokens
     * followed by themselves read 0.10 on the first 256 held-out tokens of a dictionary where another 256 gave 0.18
     * for the same head. Over 64 both trends are readable. The random-token head scores keep {@code batch}.
     */
    public static final int WINDOWS = 64;

    /** Windows (or sequences) the text scores and the in-context learning score use for {@code batch}: at least {@link #WINDOWS}. */
    private static int windows(int batch) {
        return Math.max(batch, WINDOWS);
    }

    /**
     * Scores {@code model}: random-token head scores on {@code batch} sequences of 2n tokens (seed), and with a
     * {@code sample} the text scores on up to {@link #windows(int)} windows of n_ctx (plain, also the in-context
     * learning score's) and of n (repeated) ids.
     *
     * @throws IllegalArgumentException when the sample holds an id ≥ d_vocab, or not one window of n_ctx ids
     */
    public static SnapshotScores of(Transformer model, Optional<TextSample> sample, int n, int batch, long seed) {
        Config c = model.config();
        HeadDetector random = HeadDetector.detect(model, n, batch, seed);
        if (sample.isEmpty()) {
            int[][] repeated = HeadDetector.repeatedTokens(c.dVocab(), c.nCtx() / 2, windows(batch), seed);
            if (c.nCtx() % 2 != 0) repeated = padded(repeated, c.dVocab(), seed);
            return new SnapshotScores(random, Optional.empty(), Optional.empty(), InContextLearning.measure(model, repeated, batch));
        }
        TextSample s = sample.get();
        if (s.vocabularyNeeded() > c.dVocab()) {
            throw new IllegalArgumentException("the held-out data has token id " + (s.vocabularyNeeded() - 1) + " but the model's d_vocab is " + c.dVocab());
        }
        int[][] windows = s.windows(c.nCtx(), windows(batch));
        if (windows.length == 0) {
            throw new IllegalArgumentException("the held-out data has " + s.ids().length + " tokens, fewer than one window of n_ctx = " + c.nCtx());
        }
        return new SnapshotScores(random, Optional.of(TextHeadScores.of(model, windows)),
                Optional.of(HeadDetector.detect(model, s.repeated(n, windows(batch)))), InContextLearning.measure(model, windows, batch));
    }

    /** The per-head induction score to plot: on repeated text when there is text, else on repeated random tokens. */
    public double[][] induction() {
        return repeatedText.map(HeadDetector::induction).orElse(random.induction());
    }

    /** The per-head previous-token score to plot: on text when there is text, else on repeated random tokens. */
    public double[][] previousToken() {
        return text.map(TextHeadScores::previousToken).orElse(random.previousToken());
    }

    /** [r, r] rows of an odd n_ctx get one more seeded random token at the end, so the ICL windows fill n_ctx. */
    private static int[][] padded(int[][] rows, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(~seed);
        int[][] out = new int[rows.length][];
        for (int b = 0; b < rows.length; b++) {
            out[b] = Arrays.copyOf(rows[b], rows[b].length + 1);
            out[b][rows[b].length] = rnd.nextInt(vocab);
        }
        return out;
    }
}
