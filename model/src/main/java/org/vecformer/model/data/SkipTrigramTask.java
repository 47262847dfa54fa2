package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Task {@code skip-trigram}. Each sequence of nCtx+1 tokens is built as:
 * <ol>
 *   <li>every position gets a uniform filler token;</li>
 *   <li>one planted triple (A, B, C) is chosen uniformly; A goes at a uniform position a in [0, (nCtx+1)/4);</li>
 *   <li>k ∈ {1, 2, 3} (uniform) pairs "B C" go after A: the positions a+1 … nCtx are cut into k equal slots and
 *       each slot holds one pair at a uniform place inside it.</li>
 * </ol>
 * So B only ever appears after its A and is always followed by that triple's C; the targets that are C are the
 * {@link Batch#predictable()} positions. Needs nCtx &gt;= 8.
 */
public final class SkipTrigramTask implements BatchSource {
    private static final int MAX_PAIRS = 3;
    private final SkipTrigrams planted;
    private final int nCtx;
    private final long seed;
    private final SplittableRandom rng;

    public SkipTrigramTask(SkipTrigrams planted, int nCtx, long seed) {
        if (nCtx < 8) throw new IllegalArgumentException("skip-trigram sequences need n_ctx >= 8, not " + nCtx);
        this.planted = planted;
        this.nCtx = nCtx;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /** A task from one seed: triples drawn from a structure stream of {@code seed}, samples from {@code seed}. */
    public static SkipTrigramTask random(int dVocab, int nCtx, int numB, int fanout, long seed) {
        return new SkipTrigramTask(SkipTrigrams.random(dVocab, numB, fanout, Seeds.structure(seed)), nCtx, seed);
    }

    public SkipTrigrams planted() {
        return planted;
    }

    /** The same triples sampled from an unrelated seed stream. */
    public SkipTrigramTask heldOut() {
        return new SkipTrigramTask(planted, nCtx, Seeds.heldOut(seed));
    }

    @Override
    public int dVocab() {
        return planted.dVocab();
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
        int[] fillers = planted.fillers();
        for (int s = 0; s < size; s++) {
            int row = s * len;
            for (int i = 0; i < len; i++) tokens[row + i] = fillers[rng.nextInt(fillers.length)];
            SkipTrigrams.Triple t = planted.triples().get(rng.nextInt(planted.triples().size()));
            int a = rng.nextInt(len / 4);
            tokens[row + a] = t.a();
            int pairs = 1 + rng.nextInt(MAX_PAIRS), from = a + 1, span = nCtx - a;
            for (int k = 0; k < pairs; k++) {
                int slotStart = from + k * span / pairs, slotEnd = from + (k + 1) * span / pairs;
                int b = slotStart + rng.nextInt(slotEnd - slotStart - 1);
                tokens[row + b] = t.b();
                tokens[row + b + 1] = t.c();
                predictable[s * nCtx + b] = true;
            }
        }
        return new Batch(size, nCtx, tokens, predictable);
    }
}
