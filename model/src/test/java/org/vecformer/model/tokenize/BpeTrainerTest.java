package org.vecformer.model.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link BpeTrainer} on corpora small enough to derive every merge by hand (counts weighted by word
 * frequency, ties to the smallest ids, left-to-right merging inside a word, the vocabulary limit), its
 * vocabulary layout, determinism and its refusals. The merges HF's own trainer makes are checked in
 * {@link BpeTrainerFixtureTest}.
 */
class BpeTrainerTest {
    private static final List<String> NO_SPECIALS = List.of();

    static WordCounts counts(String text) {
        WordCounts w = new WordCounts();
        w.addText(text);
        return w;
    }

    static List<String> merges(TrainedBpe t) {
        return t.merges().stream().map(m -> m.left() + " " + m.right()).toList();
    }

    @Test
    void overlappingRunMergesLeftToRight() {
        // "aaa": (a,a) occurs twice but merges once, left first: "aa a"; then (aa,a) is the only pair.
        TrainedBpe t = BpeTrainer.train(counts("aaa"), 1000, NO_SPECIALS);
        assertEquals(List.of("a a", "aa a"), merges(t));
        assertEquals(258, t.vocabSize());
        // "aaaa": (a,a) x3 → "aa aa", then (aa,aa).
        assertEquals(List.of("a a", "aa aa"), merges(BpeTrainer.train(counts("aaaa"), 1000, NO_SPECIALS)));
    }

    @Test
    void countsAreWeightedByWordFrequency() {
        // Words (one per line, "\n" its own word): "ab" x1, "cd" x3, "bc" x2.
        // Pairs: (a,b) 1, (c,d) 3, (b,c) 2 → cd, bc, ab.
        TrainedBpe t = BpeTrainer.train(counts("ab\ncd\ncd\ncd\nbc\nbc\n"), 1000, NO_SPECIALS);
        assertEquals(List.of("c d", "b c", "a b"), merges(t));
    }

    @Test
    void tiesGoToTheSmallestIdsNotTheSmallestText() {
        // Words: "zz" x3, "zzx" x2, "aax" x2. Counts (z,z) 5, (z,x) 2, (a,a) 2, (a,x) 2.
        // 1: (z,z) → zz. Then (zz,x) 2, (a,a) 2, (a,x) 2: ids a < x < zz, so 2: (a,a) → aa.
        // Then (zz,x) 2 and (aa,x) 2 tie: zz was made first (smaller id), so zz x before aa x,
        // although "aa" < "zz" as text.
        String text = "zz\nzz\nzz\nzzx\nzzx\naax\naax\n";
        assertEquals(List.of("z z", "a a", "zz x", "aa x"), merges(BpeTrainer.train(counts(text), 1000, NO_SPECIALS)));
    }

    @Test
    void spacesAndNewlinesAreBytesOfTheAlphabet() {
        // "hi hi hi" → words "hi", "Ġhi", "Ġhi" (space = Ġ): (h,i) 3, (Ġ,h) 2 → hi, then (Ġ,hi) 2.
        assertEquals(List.of("h i", "Ġ hi"), merges(BpeTrainer.train(counts("hi hi hi"), 1000, NO_SPECIALS)));
        // Lines are cut after '\n' before the split, as HF's trainer reads files: "a  \n  b" gives
        // "a", "  \n" (line 1), " ", " b" (line 2); within one string the split would give "a", "  \n ", " b".
        // Every pair counts 1; ids follow code points b (0x62) < Ċ (0x10A) < Ġ (0x120): (Ġ,b), (Ġ,Ċ), then
        // the (Ġ,ĠĊ) that formed.
        WordCounts w = counts("a  \n  b");
        assertEquals(4, w.distinct());
        assertEquals(List.of("Ġ b", "Ġ Ċ", "Ġ ĠĊ"), merges(BpeTrainer.train(w, 1000, NO_SPECIALS)));
    }

    @Test
    void vocabularyStopsTraining() {
        TrainedBpe t = BpeTrainer.train(counts("aaa"), 257, NO_SPECIALS);
        assertEquals(List.of("a a"), merges(t));
        assertEquals(257, t.vocabSize());
    }

    @Test
    void layoutIsSpecialsThenAllBytesThenMerges() {
        TrainedBpe t = BpeTrainer.train(counts("aaa"), 1000, BpeTrainer.DEFAULT_SPECIALS);
        List<String> tokens = t.tokens();
        assertEquals(List.of("<|PAD|>", "<|BOS|>", "<|EOS|>"), tokens.subList(0, 3));
        List<String> bytes = new ArrayList<>();
        for (int b = 0; b < 256; b++) bytes.add(String.valueOf(ByteLevel.charOf(b)));
        bytes.sort(null);
        assertEquals(bytes, tokens.subList(3, 259));
        assertEquals(List.of("aa", "aaa"), tokens.subList(259, 261));
        BpeTokenizer tok = t.tokenizer();
        assertEquals(1, tok.bos().getAsInt());
        // Any text encodes (all bytes present), and the specials are matched whole.
        // "aaaaa" by rank: (a,a) leftmost → aa a a a, (a,a) again → aa aa a, then (aa,a) → aa aaa.
        assertArrayEquals(new int[] {1, 259, 260}, tok.encode("<|BOS|>aaaaa"));
        assertEquals("<|BOS|>aaaaa", tok.decode(tok.encode("<|BOS|>aaaaa")));
        String unseen = "日本 🙂";
        assertEquals(unseen, tok.decode(tok.encode(unseen)));
    }

    @Test
    void specialsMayBeReplaced() {
        TrainedBpe t = BpeTrainer.train(counts("aaa"), 1000, List.of("<s>", "</s>"));
        assertEquals(List.of("<s>", "</s>"), t.specials());
        assertEquals(0, t.tokenizer().bos().getAsInt());
        TrainedBpe none = BpeTrainer.train(counts("aaa"), 1000, NO_SPECIALS);
        assertTrue(none.tokenizer().bos().isEmpty());
    }

    @Test
    void sameInputSameFileWhateverTheThreadCount() throws IOException {
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        String[] pool = {"the ", "quick ", "brown ", "fox's ", "12 ", "café ", "\n", "  ", "日本 ", "ing", "tion "};
        for (int i = 0; i < 20_000; i++) sb.append(pool[r.nextInt(pool.length)]);
        String text = sb.toString();
        List<WordCounts.Source> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 10_000) {
            String part = text.substring(i, Math.min(text.length(), i + 10_000));
            parts.add(() -> new StringReader(part));
        }
        String one = BpeTrainer.train(WordCounts.count(parts, 1), 600, BpeTrainer.DEFAULT_SPECIALS).toJson();
        String two = BpeTrainer.train(WordCounts.count(parts, 2), 600, BpeTrainer.DEFAULT_SPECIALS).toJson();
        assertEquals(one, two);
        assertEquals(one, BpeTrainer.train(WordCounts.count(parts, 2), 600, BpeTrainer.DEFAULT_SPECIALS).toJson());
    }

    @Test
    void readerCountsLikeTheWholeText() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30_000; i++) sb.append(i % 7 == 0 ? "line  \n" : "wörd" + (i % 13) + " ");
        WordCounts streamed = new WordCounts();
        streamed.addAll(new StringReader(sb.toString()));
        WordCounts whole = counts(sb.toString());
        assertEquals(whole.distinct(), streamed.distinct());
        assertEquals(whole.total(), streamed.total());
        assertEquals(BpeTrainer.train(whole, 400, NO_SPECIALS).toJson(), BpeTrainer.train(streamed, 400, NO_SPECIALS).toJson());
    }

    @Test
    void refusesWhatCannotBeTrained() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.train(counts("aaa"), 258, BpeTrainer.DEFAULT_SPECIALS));
        assertEquals("vocab 258 is below the 3 specials + 256 byte tokens every byte-level BPE holds; give a vocab of at least 259",
                small.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.train(counts(""), 1000, BpeTrainer.DEFAULT_SPECIALS));
        assertEquals("the training text has no words (the corpus is empty)", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(counts("a"), 1000, List.of("x", "x")));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(counts("a"), 1000, List.of("")));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(counts("a"), 1000, List.of("Ġ")));
    }
}
