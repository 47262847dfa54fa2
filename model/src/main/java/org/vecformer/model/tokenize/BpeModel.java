package org.vecformer.model.tokenize;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HF's BPE model on one pre-tokenized piece, written in the byte-level alphabet: the piece starts as one
 * symbol per character (a character outside the vocabulary becomes {@code unk} if the file names one,
 * consecutive ones fused into one when {@code fuse_unk}, else it is dropped), then, while some adjacent pair
 * has a merge, the pair of lowest rank (leftmost among equal ranks) becomes its merged token. With
 * {@code ignore_merges} a piece that is itself in the vocabulary is that one token. Results are cached by
 * the piece's text (up to {@link #CACHE_LIMIT} pieces, then the cache starts over), so a piece seen before
 * costs one hash lookup.
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 200_000;

    private final Map<String, Integer> vocab;
    private final MergeTable merges;
    private final int unk;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /** {@code unk} is the id of the unknown token, or -1 for none. */
    BpeModel(Map<String, Integer> vocab, MergeTable merges, int unk, boolean fuseUnk, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unk = unk;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
    }

    /** The ids of one pre-tokenized piece of text. */
    int[] tokenize(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) return cached;
        int[] ids = merge(ByteLevel.encode(piece));
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(piece, ids);
        return ids;
    }

    private int[] merge(String piece) {
        if (ignoreMerges) {
            Integer whole = vocab.get(piece);
            if (whole != null) return new int[] {whole};
        }
        int[] sym = new int[piece.length()];
        int n = 0;
        boolean lastUnk = false;
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            int len = Character.charCount(cp);
            Integer id = vocab.get(piece.substring(i, i + len));
            i += len;
            if (id != null) {
                sym[n++] = id;
                lastUnk = false;
            } else if (unk >= 0) {
                if (!(fuseUnk && lastUnk)) sym[n++] = unk;
                lastUnk = true;
            }
        }
        // Rank scan: find the adjacent pair of lowest rank, merge it in place, repeat.
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                long m = merges.get(sym[i], sym[i + 1]);
                if (m >= 0 && m < best) {
                    best = m;
                    at = i;
                }
            }
            if (at < 0) break;
            sym[at] = (int) best;
            System.arraycopy(sym, at + 2, sym, at + 1, n - at - 2);
            n--;
        }
        return Arrays.copyOf(sym, n);
    }
}
