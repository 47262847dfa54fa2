package org.vecformer.model.data;

import java.util.Arrays;

/**
 * A stream of token ids in [0, dVocab) read from {@code source} (named in every error). Its split for evaluation:
 * {@link #training()} is the first 90% of the ids, {@link #heldOut()} the last ⌊10%⌋.
 */
public record TokenStream(String source, int[] ids, int dVocab) {
    public TokenStream {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= dVocab) {
                throw new DataFileException(source, 0, "token " + i + " has id " + ids[i] + ", outside the vocabulary [0, " + dVocab + ")");
            }
        }
    }

    public TokenStream training() {
        return new TokenStream(source + " (first 90%)", Arrays.copyOfRange(ids, 0, ids.length - ids.length / 10), dVocab);
    }

    public TokenStream heldOut() {
        return new TokenStream(source + " (held-out last 10%)", Arrays.copyOfRange(ids, ids.length - ids.length / 10, ids.length), dVocab);
    }

    /** Random windows of nCtx+1 consecutive ids, start uniform in [0, length − nCtx − 1], drawn from {@code seed}. */
    public BatchSource windows(int nCtx, long seed) {
        if (nCtx < 1) throw new IllegalArgumentException("n_ctx must be >= 1, not " + nCtx);
        if (ids.length < nCtx + 1) {
            throw new DataFileException(source, 0, ids.length + " tokens are too few for one sequence of n_ctx+1 = " + (nCtx + 1)
                    + " tokens; use a longer file or a smaller n_ctx");
        }
        return new TokenWindows(i -> ids[(int) i], 0, ids.length, dVocab, nCtx, seed);
    }
}
