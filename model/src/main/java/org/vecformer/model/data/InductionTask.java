package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Task {@code induction}: sequences in which only an induction mechanism ("find the previous occurrence of the
 * current token, predict what followed it") lowers the loss. Each sequence of nCtx+1 tokens is built as:
 * <ol>
 *   <li>a period L uniform in [minPeriod, min(maxPeriod, (nCtx+1)/2, dVocab)];</li>
 *   <li>a prefix of u uniform random tokens, u uniform in [0, min((nCtx+1)/4, nCtx+1 − 2L)];</li>
 *   <li>a segment of L distinct random tokens, then repeated with period L to the end: {@code tok[u+j] = seg[j mod L]}.</li>
 * </ol>
 * Both the period and the start differ from sequence to sequence, so no fixed positional offset predicts the
 * repeats, and the segment is random, so only its earlier copy does. Target position i (predicting token i+1) is
 * {@link Batch#predictable()} when i &gt;= u + L: token i occurred L back and token i+1 followed it.
 *
 * <p>Why this layout: periods of 3–32 with many repeats per sequence grow induction heads quickly in small
 * 2-layer models, whereas a single short repeat per sequence leaves training on a long plateau.
 */
public final class InductionTask implements BatchSource {
    private final int dVocab, nCtx, minPeriod, maxPeriod;
    private final long seed;
    private final SplittableRandom rng;
    private final int[] scratch;

    /** Periods in [minPeriod, maxPeriod], clipped above by (nCtx+1)/2 and dVocab. */
    public InductionTask(int dVocab, int nCtx, int minPeriod, int maxPeriod, long seed) {
        this.maxPeriod = Math.min(maxPeriod, Math.min((nCtx + 1) / 2, dVocab));
        if (minPeriod < 2 || this.maxPeriod < minPeriod) {
            throw new IllegalArgumentException("periods [" + minPeriod + ", " + maxPeriod + "] do not fit n_ctx " + nCtx
                    + " and vocabulary " + dVocab + " (need 2 <= min period <= min(max period, (n_ctx+1)/2, d_vocab))");
        }
        this.dVocab = dVocab;
        this.nCtx = nCtx;
        this.minPeriod = minPeriod;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
        this.scratch = new int[dVocab];
    }

    /** Periods 3 to 32, as in the training recipe that grows induction heads. */
    public InductionTask(int dVocab, int nCtx, long seed) {
        this(dVocab, nCtx, 3, 32, seed);
    }

    /** The same construction from an unrelated seed stream. */
    public InductionTask heldOut() {
        return new InductionTask(dVocab, nCtx, minPeriod, maxPeriod, Seeds.heldOut(seed));
    }

    @Override
    public int dVocab() {
        return dVocab;
    }

    @Override
    public int nCtx() {
        return nCtx;
    }

    @Override
    public Batch next(int size) {
        int len = nCtx + 1;
        int[] tokens = new int[size * len];
        boolean[] predictable = new boolean[size * nCtx];
        for (int s = 0; s < size; s++) {
            int row = s * len;
            int period = minPeriod + rng.nextInt(maxPeriod - minPeriod + 1);
            int start = rng.nextInt(Math.min(len / 4, len - 2 * period) + 1);
            for (int i = 0; i < start; i++) tokens[row + i] = rng.nextInt(dVocab);
            Seeds.distinct(rng, dVocab, period, tokens, row + start, scratch);
            for (int i = start + period; i < len; i++) tokens[row + i] = tokens[row + i - period];
            for (int i = start + period; i < nCtx; i++) predictable[s * nCtx + i] = true;
        }
        return new Batch(size, nCtx, tokens, predictable);
    }
}
