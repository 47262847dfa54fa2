package org.vecformer.model.circuits;

import java.util.Arrays;

/**
 * Held-out token ids cut into the sequences the text scores read: {@link #windows} consecutive non-overlapping
 * windows from the start, and {@link #repeated} a real sequence followed by itself.
 *
 * @param ids the held-out ids, in order
 */
public record TextSample(int[] ids) {
    public TextSample {
        if (ids.length == 0) throw new IllegalArgumentException("no held-out token ids");
    }

    /** How many whole windows of {@code length} ids the sample holds. */
    public int windowCount(int length) {
        return ids.length / length;
    }

    /** The first {@code count} windows ids[k·length .. (k+1)·length), k = 0..count−1 (fewer when the sample is short). */
    public int[][] windows(int length, int count) {
        if (length < 1) throw new IllegalArgumentException("window length must be >= 1, not " + length);
        int n = Math.min(count, windowCount(length));
        int[][] out = new int[n][];
        for (int k = 0; k < n; k++) out[k] = Arrays.copyOfRange(ids, k * length, (k + 1) * length);
        return out;
    }

    /** The first {@code count} windows of {@code n} ids, each followed by itself: [s, s] of 2n ids. */
    public int[][] repeated(int n, int count) {
        int[][] w = windows(n, count);
        int[][] out = new int[w.length][2 * n];
        for (int k = 0; k < w.length; k++) {
            System.arraycopy(w[k], 0, out[k], 0, n);
            System.arraycopy(w[k], 0, out[k], n, n);
        }
        return out;
    }

    /** The largest id + 1 (the vocabulary the sample needs). */
    public int vocabularyNeeded() {
        int max = -1;
        for (int id : ids) max = Math.max(max, id);
        return max + 1;
    }
}
