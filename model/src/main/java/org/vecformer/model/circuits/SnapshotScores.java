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
     * Fewest windows the in-context learning score averages over. It is the difference of two single-position losses
     * per window, so over 8 windows of real text it swung by up to a nat between neighbouring snapshots; over 64 the
     * trend is readable. The head scores average over whole windows and keep {@code batch}.
     */
    public static final int ICL_WINDOWS = 64;

    /**
     * Scores {@code model}: random-token head scores on {@code batch} sequences of 2n tokens (seed), and with a
     * {@code sample} the text scores on up to {@code batch} windows of n_ctx (plain) and n (repeated) ids; the in-context learning
     * score on up to {@code max(batch, ICL_WINDOWS)} windows.
     *
     * @throws IllegalArgumentException when the sample holds an id ≥ d_vocab, or not one window of n_ctx ids
     */
    public static SnapshotScores of(Transformer model, Optional<TextSample> sample, int n, int batch, long seed) {
        Config c = model.config();
        HeadDetector random = HeadDetector.detect(model, n, batch, seed);
        if (sample.isEmpty()) {
            int[][] repeated = HeadDetector.repeatedTokens(c.dVocab(), c.nCtx() / 2, Math.max(batch, ICL_WINDOWS), seed);
            if (c.nCtx() % 2 != 0) repeated = padded(repeated, c.dVocab(), seed);
            return new SnapshotScores(random, Optional.empty(), Optional.empty(), InContextLearning.measure(model, repeated, batch));
        }
        TextSample s = sample.get();
        if (s.vocabularyNeeded() > c.dVocab()) {
            throw new IllegalArgumentException("the held-out data has token id " + (s.vocabularyNeeded() - 1) + " but the model's d_vocab is " + c.dVocab());
        }
        int[][] iclWindows = s.windows(c.nCtx(), Math.max(batch, ICL_WINDOWS));
        if (iclWindows.length == 0) {
            throw new IllegalArgumentException("the held-out data has " + s.ids().length + " tokens, fewer than one window of n_ctx = " + c.nCtx());
        }
        int[][] windows = Arrays.copyOf(iclWindows, Math.min(batch, iclWindows.length)); // windows(n_ctx, batch): the first of them
        return new SnapshotScores(random, Optional.of(TextHeadScores.of(model, windows)),
                Optional.of(HeadDetector.detect(model, s.repeated(n, batch))), InContextLearning.measure(model, iclWindows, batch));
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
