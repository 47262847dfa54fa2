package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Sequences of independent tokens drawn uniformly from [0, dVocab), seeded: nothing to learn beyond the unigram
 * distribution, which is what a throughput measurement wants (the cost of a step does not depend on the data).
 */
public final class UniformTokens implements BatchSource {
    private final int dVocab;
    private final int nCtx;
    private final SplittableRandom random;

    public UniformTokens(int dVocab, int nCtx, long seed) {
        if (dVocab < 1 || nCtx < 1) throw new IllegalArgumentException("d_vocab and n_ctx must be >= 1, not " + dVocab + " and " + nCtx);
        this.dVocab = dVocab;
        this.nCtx = nCtx;
        this.random = new SplittableRandom(seed);
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
        return new Batch(size, nCtx, random.ints((long) size * (nCtx + 1), 0, dVocab).toArray(), null);
    }
}
