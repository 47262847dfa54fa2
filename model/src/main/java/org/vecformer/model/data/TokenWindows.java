package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Batches of random windows of nCtx+1 consecutive ids from [from, to) of an id sequence (a {@link TokenStream}'s
 * array, see {@link TokenStream#windows}, or a {@link TokenCache}'s file): each row starts uniformly in
 * [from, to − nCtx − 1], drawn from {@code seed} ({@code nextInt} while the span fits an int, so array streams keep
 * the draws they always had).
 */
final class TokenWindows implements BatchSource {
    /** Id {@code i} of the sequence. */
    @FunctionalInterface
    interface Ids {
        int id(long i);
    }

    private final Ids ids;
    private final long from;
    private final long span;
    private final int dVocab;
    private final int nCtx;
    private final SplittableRandom rng;

    TokenWindows(Ids ids, long from, long to, int dVocab, int nCtx, long seed) {
        this.ids = ids;
        this.from = from;
        this.span = to - from - nCtx;
        this.dVocab = dVocab;
        this.nCtx = nCtx;
        this.rng = new SplittableRandom(seed);
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
        for (int b = 0; b < size; b++) {
            long start = from + (span <= Integer.MAX_VALUE ? rng.nextInt((int) span) : rng.nextLong(span));
            for (int i = 0; i < len; i++) tokens[b * len + i] = ids.id(start + i);
        }
        return new Batch(size, nCtx, tokens, null);
    }
}
