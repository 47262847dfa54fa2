package org.vecformer.model.data;

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
