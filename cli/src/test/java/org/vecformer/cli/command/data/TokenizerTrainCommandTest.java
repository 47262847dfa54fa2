package org.vecformer.cli.command.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;

/**
 * {@code vecformer tokenizer train}: the file it writes for the model module's fixture text is the committed
 * {@code trained.json} that Hugging Face's library was held to (BpeTrainerFixtureTest); directories and .gz count
 * like the plain text; bad input is one line with the right exit code and no file.
 */
class TokenizerTrainCommandTest {
    static final Path TRAIN_TXT = TokenizeCommandTest.FIXTURES.resolve("train.txt");

    @Test
    void writesTheFixtureTokenizer(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("tokenizer.json");
        CliRun r = CliRun.of("tokenizer", "train", "--data", TRAIN_TXT.toString(), "--vocab", "1000", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("trained 1,000 tokens (741 merges) on 1 documents"), r.out());
        assertTrue(Files.readString(out).equals(Files.readString(TokenizeCommandTest.FIXTURES.resolve("trained.json"))));
    }

    @Test
    void directoriesAndGzipCountLikeTheText(@TempDir Path dir) throws IOException {
        String text = Files.readString(TRAIN_TXT);
        int cut = text.indexOf('\n', text.length() / 2) + 1;
        Path data = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(dir.resolve("data/a.txt"), text.substring(0, cut));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(data.resolve("b.txt.gz")))) {
            o.write(text.substring(cut).getBytes(StandardCharsets.UTF_8));
        }
        Files.write(data.resolve("c.bin"), new byte[] {1, 0, 2});
        Files.write(data.resolve("d.txt"), new byte[] {'a', (byte) 0xC3, 'b'});
        Files.writeString(dir.resolve("data/.hidden"), "never read");
        Path out = dir.resolve("t.json");
        CliRun r = CliRun.of("tokenizer", "train", "--data", dir.resolve("data").toString(), "--vocab", "1000", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("vecformer: warning: skipped 2 files that are not UTF-8 text (first: " + data.resolve("c.bin")
                + ": binary (NUL byte at offset 1))", r.err().strip());
        // Cut at a line end, the two halves give the words of the whole (HF's trainer reads line by line).
        assertTrue(Files.readString(out).equals(Files.readString(TokenizeCommandTest.FIXTURES.resolve("trained.json"))));
    }

    /** A dictzip file with a stray Windows-1252 byte in 200 kB is read, the byte as U+FFFD, and a warning says so. */
    @Test
    void strayBytesAreOneWarningAndReadAsReplacementCharacters(@TempDir Path dir) throws IOException {
        byte[] text = "the dictionary's words ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        text[17] = (byte) 0x92;
        Path dz = dir.resolve("gcide.dict.dz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dz))) {
            o.write(text);
        }
        Path out = dir.resolve("t.json");
        CliRun r = CliRun.of("tokenizer", "train", "--data", dz.toString(), "--vocab", "300", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("vecformer: warning: read 1 malformed UTF-8 byte sequence as U+FFFD, in 1 file (first: " + dz + ")",
                r.err().strip());
        assertTrue(r.out().contains(" on 1 documents: "), r.out());
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("t.json");
        CliRun small = CliRun.of("tokenizer", "train", "--data", TRAIN_TXT.toString(), "--vocab", "258", "--out", out.toString());
        assertEquals(2, small.code());
        assertEquals("vecformer: --vocab 258 is below the 3 specials + 256 byte tokens; give at least 259 (vecformer tokenizer train --help)",
                small.err().strip());
        Files.writeString(dir.resolve("empty.txt"), "");
        CliRun empty = CliRun.of("tokenizer", "train", "--data", dir.resolve("empty.txt").toString(), "--vocab", "300", "--out", out.toString());
        assertEquals(1, empty.code());
        assertEquals("vecformer: error: " + dir.resolve("empty.txt") + ": the corpus is empty: 1 file, not UTF-8 text ("
                + dir.resolve("empty.txt") + ": empty); give UTF-8 text files or directories holding them", empty.err().strip());
        CliRun missing = CliRun.of("tokenizer", "train", "--data", dir.resolve("nope").toString(), "--vocab", "300", "--out", out.toString());
        assertEquals(1, missing.code());
        assertEquals("vecformer: error: " + dir.resolve("nope") + ": does not exist", missing.err().strip());
        CliRun none = CliRun.of("tokenizer", "train", "--data", TRAIN_TXT.toString(), "--vocab", "256", "--specials=", "--out", out.toString());
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().startsWith("trained 256 tokens (0 merges)"), none.out());
        Files.delete(out);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }
}
