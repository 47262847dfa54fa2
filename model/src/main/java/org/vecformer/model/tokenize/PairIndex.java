package org.vecformer.model.tokenize;

import java.util.Arrays;

/**
 * Dense numbers for the adjacent symbol pairs the BPE trainer meets: an open-addressing hash map from a pair
 * (left, right) of non-negative ids, packed as {@code left << 32 | right}, to 0, 1, 2, … in order of first
 * sight, so the trainer keeps its per-pair state in plain arrays. Grows at half full; nothing is removed.
 */
final class PairIndex {
    private static final long EMPTY = -1L;
    private long[] keys;
    private int[] ids;
    private int size;

    PairIndex(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        ids = new int[capacity];
        Arrays.fill(keys, EMPTY);
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }

    /** Number of pairs numbered so far (the next new pair gets this number). */
    int size() {
        return size;
    }

    /** The number of {@code pair}, giving it the next one if it has none. */
    int id(long pair) {
        long[] k = keys;
        int mask = k.length - 1;
        int slot = slot(pair, mask);
        while (k[slot] != pair) {
            if (k[slot] == EMPTY) {
                if (2 * (size + 1) > k.length) {
                    grow();
                    return id(pair);
                }
                k[slot] = pair;
                ids[slot] = size;
                return size++;
            }
            slot = (slot + 1) & mask;
        }
        return ids[slot];
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldKeys[s] == EMPTY) continue;
            int slot = slot(oldKeys[s], mask);
            while (keys[slot] != EMPTY) slot = (slot + 1) & mask;
            keys[slot] = oldKeys[s];
            ids[slot] = oldIds[s];
        }
    }

    /** Fibonacci hashing of the packed pair: spreads the small ids of both halves over the table. */
    private static int slot(long pair, int mask) {
        return (int) ((pair * 0x9E3779B97F4A7C15L) >>> 33) & mask;
    }
}
