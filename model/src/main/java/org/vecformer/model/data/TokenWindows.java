package org.vecformer.model.data;

import java.util.SplittableRandom;

/** Batches of random windows of nCtx+1 consecutive ids of a stream (see {@link TokenStream#windows}). */
final class TokenWindows implements BatchSource {
    private final TokenStream stream;
    private final int nCtx;
    private final SplittableRandom rng;

    TokenWindows(TokenStream stream, int nCtx, long seed) {
        this.stream = stream;
        this.nCtx = nCtx;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public int dVocab() {
        return stream.dVocab();
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
            System.arraycopy(stream.ids(), rng.nextInt(stream.ids().length - len + 1), tokens, b * len, len);
        }
        return new Batch(size, nCtx, tokens, null);
    }
}
