package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * Evaluation sequences for induction: {@code [r, r, f]} with r a segment of L tokens, L uniform in
 * [nCtx/4, nCtx/2] (at least 1), distinct when L &lt;= dVocab, and f uniform random filler up to nCtx+1 tokens.
 * {@code segment[b]} is row b's L. Target position i predicts token i+1, so the repeated half is i ∈ [L, 2L−1)
 * (every token of the second copy after its first, predictable by induction) and the first half i ∈ [0, L−1)
 * (inside the first copy, unpredictable) — compare the loss on the two.
 */
public record RepeatedTokens(Batch batch, int[] segment) {
    /** {@code size} sequences drawn from {@code seed}. */
    public static RepeatedTokens sample(int dVocab, int nCtx, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        if (nCtx < 2 || dVocab < 1) throw new IllegalArgumentException("need n_ctx >= 2 and a vocabulary, not " + nCtx + ", " + dVocab);
        int len = nCtx + 1, lo = Math.max(1, nCtx / 4), hi = Math.max(lo, nCtx / 2);
        int[] tokens = new int[size * len], segment = new int[size], scratch = new int[dVocab];
        boolean[] repeated = new boolean[size * nCtx];
        for (int s = 0; s < size; s++) {
            int row = s * len, l = lo + rng.nextInt(hi - lo + 1);
            segment[s] = l;
            if (l <= dVocab) Seeds.distinct(rng, dVocab, l, tokens, row, scratch);
            else for (int i = 0; i < l; i++) tokens[row + i] = rng.nextInt(dVocab);
            System.arraycopy(tokens, row, tokens, row + l, l);
            for (int i = 2 * l; i < len; i++) tokens[row + i] = rng.nextInt(dVocab);
            for (int i = l; i < 2 * l - 1; i++) repeated[s * nCtx + i] = true;
        }
        return new RepeatedTokens(new Batch(size, nCtx, tokens, repeated), segment);
    }

    /** Targets inside the second copy: [size, nCtx], true for i ∈ [L, 2L−1) (same as the batch's predictable mask). */
    public boolean[] repeatedHalf() {
        return batch.predictable().clone();
    }

    /** Targets inside the first copy: [size, nCtx], true for i ∈ [0, L−1). */
    public boolean[] firstHalf() {
        int n = batch.nCtx();
        boolean[] mask = new boolean[batch.size() * n];
        for (int s = 0; s < segment.length; s++) for (int i = 0; i < segment[s] - 1; i++) mask[s * n + i] = true;
        return mask;
    }
}
