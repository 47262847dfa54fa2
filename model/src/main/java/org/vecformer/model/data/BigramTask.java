package org.vecformer.model.data;

import java.util.SplittableRandom;

/** Task {@code bigram}: each sequence starts at a uniform token and then walks the chain. */
public final class BigramTask implements BatchSource {
    private final BigramChain chain;
    private final int nCtx;
    private final long seed;
    private final SplittableRandom rng;

    public BigramTask(BigramChain chain, int nCtx, long seed) {
        if (nCtx < 1) throw new IllegalArgumentException("n_ctx must be >= 1, not " + nCtx);
        this.chain = chain;
        this.nCtx = nCtx;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /** A task from one seed: the chain drawn from a structure stream of {@code seed}, samples from {@code seed}. */
    public static BigramTask random(int dVocab, int nCtx, double temperature, long seed) {
        return new BigramTask(BigramChain.random(dVocab, temperature, Seeds.structure(seed)), nCtx, seed);
    }

    public BigramChain chain() {
        return chain;
    }

    /** The same chain sampled from an unrelated seed stream. */
    public BigramTask heldOut() {
        return new BigramTask(chain, nCtx, Seeds.heldOut(seed));
    }

    @Override
    public int dVocab() {
        return chain.dVocab();
    }

    @Override
    public int nCtx() {
        return nCtx;
    }

    @Override
    public Batch next(int size) {
        int[] tokens = new int[size * (nCtx + 1)];
        for (int b = 0; b < size; b++) {
            int at = b * (nCtx + 1);
            tokens[at] = rng.nextInt(chain.dVocab());
            for (int i = 1; i <= nCtx; i++) tokens[at + i] = chain.sample(tokens[at + i - 1], rng);
        }
        return new Batch(size, nCtx, tokens, null);
    }
}
