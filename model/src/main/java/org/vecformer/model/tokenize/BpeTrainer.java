package org.vecformer.model.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Trains a byte-level BPE from {@link WordCounts}.
 *
 * <p>Vocabulary: the specials (ids 0, 1, …), then the 256 byte characters of {@link ByteLevel}'s alphabet in
 * code-point order (all of them, seen or not, so any text encodes), then one token per merge, until it holds
 * {@code vocabSize} tokens or no adjacent pair occurs any more. Ids are these positions throughout.
 *
 * <p>Each step merges the adjacent pair (x, y) with the highest count, {@code count(x, y) = Σ_words
 * count(word) · occurrences of x y in the word}; among equal counts the pair of smallest ids, compared left
 * id first (bytes rank by code point of their character, merged tokens by when they were made). In every
 * word holding the pair, occurrences become the merged token left to right, so "aaa" with (a, a) becomes
 * "aa a". This is the rule of Hugging Face's {@code BpeTrainer} (checked with its npm build, tokenizers
 * 0.23.2): on the fixture text ({@code train.txt}, the Apache-2.0 and GPL-3 texts) our merges equal the
 * library's, every one of them in the same order (BpeTrainerTest). Where the library's alphabet holds only
 * the characters it saw, its ids are a relabelling that keeps the order, so its ties break the same way.
 *
 * <p>Like HF's trainer it keeps pair counts incrementally: pair → count, a priority queue of entries
 * (count, pair, words where the pair formed) popped lazily (an entry whose count is stale is pushed back
 * with the current one), and merging touches only the popped entry's words. A merge whose token text
 * already exists (x y and x' y' spelling the same bytes) reuses that token, and the vocabulary does not
 * grow; as in HF's model a pair merged twice keeps its last rank.
 */
public final class BpeTrainer {
    /** The specials a trainer run gets unless told otherwise. */
    public static final List<String> DEFAULT_SPECIALS = List.of("<|PAD|>", "<|BOS|>", "<|EOS|>");

    /** Byte characters in code-point order: ALPHABET[i] is token specials + i. */
    private static final char[] ALPHABET = new char[256];
    /** RANK[b] = the index of byte b's character in ALPHABET. */
    private static final int[] RANK = new int[256];

    static {
        for (int b = 0; b < 256; b++) ALPHABET[b] = ByteLevel.charOf(b);
        Arrays.sort(ALPHABET);
        for (int i = 0; i < 256; i++) RANK[ByteLevel.byteOf(ALPHABET[i])] = i;
    }

    private BpeTrainer() {}

    /**
     * Trains on {@code words} until {@code vocabSize} tokens (specials included).
     *
     * @throws IllegalArgumentException one line: {@code vocabSize} below specials + 256, an empty, repeated or
     *     byte-character special, or no words to train on
     */
    public static TrainedBpe train(WordCounts words, int vocabSize, List<String> specials) {
        checkSpecials(specials);
        int floor = specials.size() + 256;
        if (vocabSize < floor) {
            throw new IllegalArgumentException("vocab " + vocabSize + " is below the " + specials.size()
                    + " specials + 256 byte tokens every byte-level BPE holds; give a vocab of at least " + floor);
        }
        if (words.distinct() == 0) throw new IllegalArgumentException("the training text has no words (the corpus is empty)");
        return new Run(words, vocabSize, specials).train();
    }

    private static void checkSpecials(List<String> specials) {
        HashSet<String> seen = new HashSet<>();
        for (String s : specials) {
            if (s.isEmpty()) throw new IllegalArgumentException("a special token is empty");
            if (!seen.add(s)) throw new IllegalArgumentException("special token " + s + " is given twice");
            if (s.length() == 1 && ByteLevel.byteOf(s.charAt(0)) >= 0) {
                throw new IllegalArgumentException("special token " + s + " is also a byte token of the byte-level alphabet; choose another");
            }
        }
    }

    /** A queue entry: a pair, its count when pushed, and the words where it formed (distinct word ids). */
    private static final class Entry {
        final long pair;
        final int pairId;
        final int[] words;
        long count;

        Entry(long pair, int pairId, long count, int[] words) {
            this.pair = pair;
            this.pairId = pairId;
            this.count = count;
            this.words = words;
        }
    }

    /** Word ids in the order added, each once (a word is added to a list only in one consecutive run). */
    private static final class WordList {
        int[] ids = new int[4];
        int size;

        void add(int word) {
            if (size > 0 && ids[size - 1] == word) return;
            if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
            ids[size++] = word;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }

    /** One training run: the words as symbol arrays and the pair state. */
    private static final class Run {
        /** Symbols of all words, word w at [start[w], start[w] + length[w]); words shrink in place. */
        private final int[] symbols;
        private final int[] start;
        private final int[] length;
        private final long[] wordCount;
        private final int vocabSize;
        private final List<String> specials;
        private final PairIndex index;
        /** Per pair id: its count and its packed pair. */
        private long[] pairCount;
        private long[] pairKey;
        /** Per pair id: the words where it formed in the current step (null if none), pushed at its end. */
        private WordList[] formed;
        /** The pair ids with a list in {@code formed}, in order of first formation. */
        private int[] formedIds = new int[1024];
        private int formedCount;
        private final List<String> tokens = new ArrayList<>();
        private final HashMap<String, Integer> tokenIds = new HashMap<>();

        Run(WordCounts words, int vocabSize, List<String> specials) {
            this.vocabSize = vocabSize;
            this.specials = specials;
            for (String s : specials) {
                tokenIds.put(s, tokens.size());
                tokens.add(s);
            }
            int offset = tokens.size();
            int n = words.distinct();
            start = new int[n];
            length = new int[n];
            wordCount = new long[n];
            List<byte[]> utf8 = new ArrayList<>(n);
            long[] total = {0};
            int[] w = {0};
            words.forEach((word, count) -> {
                byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
                utf8.add(bytes);
                start[w[0]] = (int) total[0];
                length[w[0]] = bytes.length;
                wordCount[w[0]++] = count;
                total[0] += bytes.length;
            });
            if (total[0] > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the training text has more than 2^31 bytes of distinct words");
            }
            symbols = new int[(int) total[0]];
            for (int i = 0; i < n; i++) {
                byte[] bytes = utf8.get(i);
                for (int j = 0; j < bytes.length; j++) symbols[start[i] + j] = offset + RANK[bytes[j] & 0xFF];
            }
            index = new PairIndex(Math.min(1 << 22, symbols.length));
            pairCount = new long[1024];
            pairKey = new long[1024];
            formed = new WordList[1024];
            for (char c : ALPHABET) {
                tokenIds.put(String.valueOf(c), tokens.size());
                tokens.add(String.valueOf(c));
            }
        }

        TrainedBpe train() {
            PriorityQueue<Entry> queue = new PriorityQueue<>((p, q) ->
                    p.count != q.count ? Long.compare(q.count, p.count) : Long.compare(p.pair, q.pair));
            for (int w = 0; w < start.length; w++) {
                for (int i = start[w], end = start[w] + length[w] - 1; i < end; i++) {
                    add(symbols[i], symbols[i + 1], wordCount[w], w);
                }
            }
            pushFormed(queue);
            List<Long> merges = new ArrayList<>();
            while (tokenIds.size() < vocabSize && !queue.isEmpty()) {
                Entry top = queue.poll();
                long current = pairCount[top.pairId];
                if (top.count != current) {
                    top.count = current;
                    if (current > 0) queue.add(top);
                    continue;
                }
                int a = PairIndex.left(top.pair), b = PairIndex.right(top.pair);
                String text = tokens.get(a) + tokens.get(b);
                Integer existing = tokenIds.get(text);
                int c = existing != null ? existing : tokens.size();
                if (existing == null) {
                    tokens.add(text);
                    tokenIds.put(text, c);
                }
                merges.add(top.pair);
                for (int w : top.words) merge(w, a, b, c);
                pushFormed(queue);
            }
            return TrainedBpe.of(specials.size(), tokens, merges);
        }

        /**
         * Replaces every occurrence of (a, b) in word w by c, left to right, and updates the pair counts: per
         * occurrence (p, a) → (p, c) for the symbol p before it and (b, n) → (c, n) for the symbol n after.
         */
        private void merge(int w, int a, int b, int c) {
            int s = start[w], len = length[w];
            long count = wordCount[w];
            int out = s;
            int end = s + len;
            for (int r = s; r < end; ) {
                if (symbols[r] == a && r + 1 < end && symbols[r + 1] == b) {
                    if (out > s) {
                        int p = symbols[out - 1];
                        add(p, a, -count, w);
                        add(p, c, count, w);
                    }
                    if (r + 2 < end) {
                        int n = symbols[r + 2];
                        add(b, n, -count, w);
                        add(c, n, count, w);
                    }
                    symbols[out++] = c;
                    r += 2;
                } else {
                    symbols[out++] = symbols[r++];
                }
            }
            length[w] = out - s;
        }

        /** Adds {@code delta} to the count of (x, y); a positive change records that the pair formed in w. */
        private void add(int x, int y, long delta, int w) {
            long pair = PairIndex.pair(x, y);
            int id = index.id(pair);
            if (id == pairCount.length) {
                pairCount = Arrays.copyOf(pairCount, id * 2);
                pairKey = Arrays.copyOf(pairKey, id * 2);
                formed = Arrays.copyOf(formed, id * 2);
            }
            pairKey[id] = pair;
            pairCount[id] += delta;
            if (delta > 0) {
                WordList list = formed[id];
                if (list == null) {
                    list = formed[id] = new WordList();
                    if (formedCount == formedIds.length) formedIds = Arrays.copyOf(formedIds, formedCount * 2);
                    formedIds[formedCount++] = id;
                }
                list.add(w);
            }
        }

        private void pushFormed(PriorityQueue<Entry> queue) {
            for (int i = 0; i < formedCount; i++) {
                int id = formedIds[i];
                if (pairCount[id] > 0) queue.add(new Entry(pairKey[id], id, pairCount[id], formed[id].toArray()));
                formed[id] = null;
            }
            formedCount = 0;
        }
    }
}
