package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.model.tokenize.BpeTokenizer;

/**
 * {@link Corpus} (what counts as a document, in which order, what is skipped) and {@link TokenCache} (ids equal
 * BOS + the tokenizer's ids of each document, the held-out rule, reuse, rebuilding a damaged file, windows).
 */
class TokenCacheTest {
    static BpeTokenizer tokenizer() throws IOException {
        try (InputStream in = TokenCacheTest.class.getResourceAsStream("/tokenize/trained.json")) {
            return BpeTokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Path corpus(Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data/b"));
        Files.writeString(dir.resolve("data/a.txt"), "The Licensor grants you a licence.\n");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(data.resolve("c.txt.gz")))) {
            o.write("Gzip’d text, café.\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(data.resolve("d.txt"), "x".repeat(3000) + " end");
        Files.write(data.resolve("e.bin"), new byte[] {(byte) 0xFF, 0, 1});
        Files.write(data.resolve("f.txt"), new byte[] {'o', 'k', (byte) 0xE9});
        Files.writeString(data.resolve(".swp"), "hidden");
        return dir.resolve("data");
    }

    @Test
    void corpusListsFilesInPathOrderAndSkipsWhatIsNotText(@TempDir Path dir) throws IOException {
        Corpus c = Corpus.scan(List.of(corpus(dir)));
        Path data = dir.resolve("data");
        assertEquals(List.of(data.resolve("a.txt"), data.resolve("b/c.txt.gz"), data.resolve("b/d.txt")),
                c.documents().stream().map(Corpus.Document::path).toList());
        assertEquals(List.of(new Corpus.Skipped(data.resolve("b/e.bin"), "binary (NUL byte at offset 1)"),
                new Corpus.Skipped(data.resolve("b/f.txt"), "not UTF-8 (1 malformed byte sequence in 3 bytes, the first at offset 2)")), c.skipped());
        assertEquals("Gzip’d text, café.\n", c.documents().get(1).read());
        DataFileException none = assertThrows(DataFileException.class, () -> Corpus.scan(List.of(data.resolve("b/e.bin"))));
        assertTrue(none.getMessage().contains("the corpus is empty: 1 file, not UTF-8 text"), none.getMessage());
    }

    /**
     * A few stray bytes in a large file (dict-gcide's dictionary has three Windows-1252 bytes in 40 MB) are read as
     * U+FFFD, one per malformed sequence; one more than one per {@link Corpus#BYTES_PER_STRAY} bytes and the file
     * is not UTF-8 text. A {@code .dz} (dictzip) file is read through gzip.
     */
    @Test
    void aFewStrayBytesAreReadAsReplacementCharactersAndDictzipIsGzip(@TempDir Path dir) throws IOException {
        int size = 2 * (int) Corpus.BYTES_PER_STRAY + 10;
        byte[] text = "word ".repeat(size / 5).getBytes(StandardCharsets.US_ASCII);
        text[1000] = (byte) 0x92;
        text[150_000] = (byte) 0xE9;
        Path few = dir.resolve("few.txt");
        Files.write(few, text);
        byte[] worse = text.clone();
        worse[5] = (byte) 0xFF;
        Path many = dir.resolve("many.txt");
        Files.write(many, worse);
        Path dz = dir.resolve("gcide.dict.dz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dz))) {
            o.write(text);
        }
        Corpus c = Corpus.scan(List.of(few, many, dz));
        assertEquals(List.of(few, dz), c.documents().stream().map(Corpus.Document::path).toList());
        assertEquals(List.of(new Corpus.Skipped(many, "not UTF-8 (3 malformed byte sequences in " + size + " bytes, the first at offset 5)")),
                c.skipped());
        assertEquals(2, c.documents().getFirst().malformed());
        assertEquals(4, c.malformed());
        String expected = new String(text, StandardCharsets.ISO_8859_1).replace('\u0092', '\uFFFD').replace('\u00E9', '\uFFFD');
        assertEquals(expected, c.documents().getFirst().read());
        assertEquals(expected, c.documents().get(1).read());
        Corpus clean = Corpus.scan(List.of(corpus(dir.resolve("clean"))));
        assertTrue(clean.documents().stream().allMatch(d -> d.malformed() == 0));
    }

    @Test
    void idsAreBosAndEachDocumentsIds(@TempDir Path dir) throws IOException {
        BpeTokenizer t = tokenizer();
        Corpus c = Corpus.scan(List.of(corpus(dir)));
        List<Integer> seen = new ArrayList<>();
        TokenCache cache = TokenCache.open(c, t, dir.resolve("cache"), 2, seen::add);
        assertEquals(List.of(3), seen);
        List<Integer> expected = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        for (Corpus.Document d : c.documents()) {
            starts.add((long) expected.size());
            expected.add(1);
            for (int id : t.encode(d.read())) expected.add(id);
        }
        assertEquals(expected.size(), cache.count());
        assertEquals(expected, IntStream.range(0, expected.size()).mapToObj(cache::id).toList());
        assertEquals(3, cache.documents());
        // The last document (3,000 x's) is longer than 1% of the ids, so no document starts in the last 1%:
        // the held-out part is the last 1% of the ids.
        assertEquals(cache.count() - cache.count() / 100, cache.heldOutStart());
        assertEquals(96 + 2 * cache.count(), Files.size(cache.file()));
        try (var files = Files.list(dir.resolve("cache"))) {
            assertEquals(List.of(cache.file()), files.toList());
        }
    }

    @Test
    void heldOutIsTheDocumentsStartingInTheLastPercent() {
        assertEquals(995, TokenCache.heldOutStart(new long[] {0, 500, 995, 998}, 1000));
        assertEquals(990, TokenCache.heldOutStart(new long[] {0, 500}, 1000));
        assertEquals(990, TokenCache.heldOutStart(new long[] {0}, 1000));
    }

    @Test
    void reusedWhenValidRebuiltWhenDamagedNewWhenTheCorpusChanges(@TempDir Path dir) throws IOException {
        BpeTokenizer t = tokenizer();
        Path data = corpus(dir);
        Corpus c = Corpus.scan(List.of(data));
        TokenCache first = TokenCache.open(c, t, dir.resolve("cache"), 1, n -> {});
        byte[] bytes = Files.readAllBytes(first.file());
        Files.setLastModifiedTime(first.file(), FileTime.fromMillis(1000));
        TokenCache again = TokenCache.open(c, t, dir.resolve("cache"), 1, n -> { throw new AssertionError("rebuilt a valid cache"); });
        assertEquals(first.file(), again.file());
        assertEquals(1000, Files.getLastModifiedTime(again.file()).toMillis());
        // A cut file (as a crash of another writer could leave under the final name) is rebuilt, not trusted.
        Files.write(first.file(), java.util.Arrays.copyOf(bytes, bytes.length - 10));
        int[] rebuilt = {0};
        TokenCache fixed = TokenCache.open(c, t, dir.resolve("cache"), 1, n -> rebuilt[0]++);
        assertEquals(1, rebuilt[0]);
        assertArrayEquals(bytes, Files.readAllBytes(fixed.file()));
        Files.writeString(data.resolve("a.txt"), "Changed.\n");
        assertNotEquals(first.file(), TokenCache.fileFor(Corpus.scan(List.of(data)), t, dir.resolve("cache")));
    }

    @Test
    void windowsStayInTheirPart(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("big.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) sb.append("word").append(i % 97).append(i % 5 == 0 ? "\n" : " ");
        Files.writeString(f, sb.toString());
        TokenCache cache = TokenCache.open(Corpus.scan(List.of(f)), tokenizer(), dir.resolve("cache"), 1, n -> {});
        BatchSource train = cache.training(8, 3), held = cache.heldOut(8, 4);
        assertEquals(cache.vocab(), train.dVocab());
        long heldStart = cache.heldOutStart();
        Batch b = train.next(200);
        Batch h = held.next(50);
        // Every window is a run of the cache's ids inside its part: find it.
        for (Batch batch : List.of(b, h)) {
            boolean isHeld = batch == h;
            for (int r = 0; r < batch.size(); r++) {
                boolean found = false;
                long lo = isHeld ? heldStart : 0, hi = isHeld ? cache.count() - 9 : heldStart - 9;
                for (long s = lo; s <= hi && !found; s++) {
                    boolean all = true;
                    for (int i = 0; i < 9 && all; i++) all = cache.id(s + i) == batch.token(r, i);
                    found = all;
                }
                assertTrue(found, "row " + r + " of the " + (isHeld ? "held-out" : "training") + " batch");
            }
        }
        assertThrows(DataFileException.class, () -> cache.heldOut(10_000, 1));
    }
}
