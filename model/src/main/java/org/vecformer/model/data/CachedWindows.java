package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Batches of random windows of nCtx+1 consecutive ids from [from, to) of a {@link TokenCache}: each row starts
 * uniformly in [from, to − nCtx − 1], drawn from {@code seed}, like {@link TokenStream#windows} on an array.
 */
final class CachedWindows implements BatchSource {
    private final TokenCache cache;
    private final long from;
    private final long starts;
    private final int nCtx;
    private final SplittableRandom rng;

    CachedWindows(TokenCache cache, long from, long to, int nCtx, long seed) {
        this.cache = cache;
        this.from = from;
        this.starts = to - from - nCtx;
        this.nCtx = nCtx;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public int dVocab() {
        return cache.vocab();
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
            long start = from + rng.nextLong(starts);
            for (int i = 0; i < len; i++) tokens[b * len + i] = cache.id(start + i);
        }
        return new Batch(size, nCtx, tokens, null);
    }
}
