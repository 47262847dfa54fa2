package org.vecformer.model.circuits;

import java.util.Arrays;
import org.vecformer.model.transformer.Transformer;

/**
 * The in-context learning score of Olsson et al. 2022 (<i>In-context Learning and Induction Heads</i>): the mean
 * next-token loss at a late token index minus the mean loss at an early one, over held-out sequences. With
 * loss[i] = −log p(x[i+1] | x[0..i]) (TransformerLens' per-token loss, indices 0..T−2):
 * <pre>
 *   score = mean_b loss_b[late] − mean_b loss_b[early]
 *   (early, late) = (50, 500)                             when T ≥ 502 (the paper's indices)
 *                 = (⌊(T − 2)/10⌋, T − 2)                 otherwise: the last index, and a tenth of it (the paper's 1:10)
 * </pre>
 * Negative when later tokens are predicted better than early ones, i.e. the model uses its context.
 *
 * @param early token index of the early loss
 * @param late token index of the late loss
 * @param earlyLoss mean loss at {@code early}
 * @param lateLoss mean loss at {@code late}
 * @param sequences how many sequences the means are over
 */
public record InContextLearning(int early, int late, double earlyLoss, double lateLoss, int sequences) {
    /** The paper's indices, used when sequences are long enough. */
    public static final int PAPER_EARLY = 50, PAPER_LATE = 500;

    /** {@code lateLoss − earlyLoss}. */
    public double score() {
        return lateLoss - earlyLoss;
    }

    /** {early, late} for sequences of {@code t} ≥ 3 tokens (see the class comment). */
    public static int[] positions(int t) {
        if (t < 3) throw new IllegalArgumentException("the in-context learning score needs sequences of >= 3 tokens, not " + t);
        if (t >= PAPER_LATE + 2) return new int[] {PAPER_EARLY, PAPER_LATE};
        return new int[] {(t - 2) / 10, t - 2};
    }

    /** Measures the score on {@code sequences}, all of one length T (3 ≤ T ≤ n_ctx), in forwards of at most {@code batch}. */
    public static InContextLearning measure(Transformer model, int[][] sequences, int batch) {
        if (sequences.length == 0) throw new IllegalArgumentException("no sequences to measure");
        int t = sequences[0].length;
        for (int[] s : sequences) {
            if (s.length != t) throw new IllegalArgumentException("sequences of different lengths (" + t + " and " + s.length + ")");
        }
        if (t > model.config().nCtx()) throw new IllegalArgumentException("sequences of " + t + " tokens exceed n_ctx " + model.config().nCtx());
        int[] p = positions(t);
        double early = 0, late = 0;
        for (int from = 0; from < sequences.length; from += batch) {
            int size = Math.min(batch, sequences.length - from);
            int[][] part = Arrays.copyOfRange(sequences, from, from + size);
            float[] loss = model.loss(part).data(); // [size, T − 1]
            for (int b = 0; b < size; b++) {
                early += loss[b * (t - 1) + p[0]];
                late += loss[b * (t - 1) + p[1]];
            }
        }
        return new InContextLearning(p[0], p[1], early / sequences.length, late / sequences.length, sequences.length);
    }
}
