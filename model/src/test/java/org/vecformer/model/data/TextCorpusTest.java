package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.model.tokenize.CharTokenizer;

class TextCorpusTest {
    @TempDir
    Path dir;

    @Test
    void vocabularyIsTheSortedCharactersAndIdsSpellTheText() throws IOException {
        String text = "abba cäb\n😀a";
        TextCorpus c = TextCorpus.read(Files.writeString(dir.resolve("t.txt"), text));
        assertEquals(List.of("\n", " ", "a", "b", "c", "ä", "😀"), c.chars());
        assertEquals(7, c.stream().dVocab());
        assertEquals(text, Arrays.stream(c.stream().ids()).mapToObj(c.chars()::get).collect(Collectors.joining()));
    }

    /**
     * Counts: a 5, b 3, c 2, d 2, e 1, ä 1, '\n' 1. A cap of 4 keeps a, b and of the tied c and d the smaller
     * code point c, plus U+FFFD; d, e, ä and '\n' become the unknown id.
     */
    @Test
    void aCapKeepsTheMostFrequentCharactersTiesBySmallerCodePointAndMapsTheRestToUnknown() throws IOException {
        String text = "aaaaabbbccddeä\n";
        TextCorpus c = TextCorpus.read(Files.writeString(dir.resolve("t.txt"), text), 4);
        assertEquals(List.of("a", "b", "c", CharTokenizer.UNKNOWN), c.chars());
        assertEquals(4, c.stream().dVocab());
        int unk = c.tokenizer().unknownId();
        assertEquals(3, unk);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 2, 2, unk, unk, unk, unk, unk}, c.stream().ids());
        // a cap the text does not reach changes nothing and adds no unknown id
        TextCorpus all = TextCorpus.read(dir.resolve("t.txt"), 7);
        assertEquals(List.of("\n", "a", "b", "c", "d", "e", "ä"), all.chars());
        assertEquals(-1, all.tokenizer().unknownId());
    }

    @Test
    void theTextsOwnReplacementCharacterSharesTheUnknownIdAndTheCapStoresAndReloads() throws IOException {
        CharTokenizer t = TextCorpus.read(Files.writeString(dir.resolve("t.txt"), "xx\uFFFD\uFFFD\uFFFDyz"), 2).tokenizer();
        assertEquals(List.of("x", CharTokenizer.UNKNOWN), t.vocab(), "U+FFFD is not one of the N-1 kept characters, however frequent");
        assertArrayEquals(new int[] {0, 1, 1, 1, 1}, t.encode("x\uFFFDy🙂q"));
        CharTokenizer back = CharTokenizer.fromJson(t.toJson());
        assertEquals(t, back);
        assertTrue(t.toJson().contains("\"unknown\""), t.toJson());
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromText("abc", 1));
        // without a cap, an unseen character is still refused
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromText("ab").encode("c"));
    }

    @Test
    void emptyOrInvalidFilesAreOneLineErrors() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertEquals(empty + ": is empty", assertThrows(DataFileException.class, () -> TextCorpus.read(empty)).getMessage());
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[] {'a', (byte) 0xc3});
        assertEquals(bad + ": is not valid UTF-8 text", assertThrows(DataFileException.class, () -> TextCorpus.read(bad)).getMessage());
        Path missing = dir.resolve("missing.txt");
        assertTrue(assertThrows(DataFileException.class, () -> TextCorpus.read(missing)).getMessage().startsWith(missing + ": cannot be read"));
    }
}
