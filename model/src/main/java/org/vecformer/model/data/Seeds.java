package org.vecformer.model.data;

import java.util.SplittableRandom;

/** Seed streams derived from one task seed: the planted structure, the training samples and the held-out samples. */
final class Seeds {
    private Seeds() {}

    /** A seed whose stream is unrelated to {@code seed}'s: the first long of {@code SplittableRandom(seed).split()}. */
    static long heldOut(long seed) {
        return new SplittableRandom(seed).split().nextLong();
    }

    /** The seed of a task's planted structure (chain, triples), unrelated to the sampling streams of {@code seed}. */
    static long structure(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        rng.split();
        return rng.split().nextLong();
    }

    /** Partial Fisher–Yates: {@code count} distinct values of [0, n) in random order, written to out[off..). */
    static void distinct(SplittableRandom rng, int n, int count, int[] out, int off, int[] scratch) {
        for (int i = 0; i < n; i++) scratch[i] = i;
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(n - i);
            int t = scratch[i];
            scratch[i] = scratch[j];
            scratch[j] = t;
            out[off + i] = scratch[i];
        }
    }
}
