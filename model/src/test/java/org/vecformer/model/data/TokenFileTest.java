package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void readsWhitespaceSeparatedIdsOverLines() throws IOException {
        Path f = write("ids.txt", "3 1\t4\n\n  1 5\r\n9 2 6 \n");
        TokenStream s = TokenFile.read(f);
        assertArrayEquals(new int[] {3, 1, 4, 1, 5, 9, 2, 6}, s.ids());
        assertEquals(10, s.dVocab());
        assertEquals(64, TokenFile.read(f, 64).dVocab());
    }

    @Test
    void malformedFilesGiveOneLineNamingFileLineAndProblem() throws IOException {
        assertError(TokenFile::read, write("a.txt", "1 2\n3 x4\n"), ":2: 'x4' is not an integer token id");
        assertError(TokenFile::read, write("b.txt", "1\n2\n-3\n"), ":3: negative token id -3");
        assertError(TokenFile::read, write("c.txt", "1 99999999999\n"), ":1: '99999999999' is not an integer");
        assertError(p -> TokenFile.read(p, 8), write("d.txt", "1 2 8\n"), ":1: token id 8 is outside the vocabulary [0, 8)");
        assertError(TokenFile::read, write("e.txt", " \n\n"), ": holds no token ids");
        Files.write(dir.resolve("f.txt"), new byte[] {'1', ' ', (byte) 0xff, '\n'});
        assertError(TokenFile::read, dir.resolve("f.txt"), "is not UTF-8");
        assertError(TokenFile::read, dir.resolve("missing.txt"), "cannot be read");
    }

    @Test
    void tooShortForOneSequenceIsAnErrorNamingTheFile() throws IOException {
        Path f = write("short.txt", "1 2 3 4");
        DataFileException e = assertThrows(DataFileException.class, () -> TokenFile.read(f).windows(4, 0));
        assertEquals(f + ": 4 tokens are too few for one sequence of n_ctx+1 = 5 tokens; use a longer file or a smaller n_ctx", e.getMessage());
        DataFileException held = assertThrows(DataFileException.class, () -> TokenFile.read(f).heldOut().windows(1, 0));
        assertTrue(held.getMessage().startsWith(f + " (held-out last 10%): 0 tokens"), held.getMessage());
    }

    @Test
    void windowsAreConsecutiveRunsAndTheSplitIsNinetyTen() throws IOException {
        Path f = write("run.txt", IntStream.range(0, 1000).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        TokenStream s = TokenFile.read(f);
        assertEquals(900, s.training().ids().length);
        assertEquals(900, s.heldOut().ids()[0]);
        assertEquals(1000, s.heldOut().dVocab());
        Batch b = s.training().windows(31, 9).next(50);
        for (int r = 0; r < b.size(); r++) {
            assertTrue(b.token(r, 31) < 900, "training windows stay in the first 90%");
            for (int i = 1; i <= 31; i++) assertEquals(b.token(r, 0) + i, b.token(r, i));
        }
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertError(Function<Path, TokenStream> read, Path f, String expected) {
        DataFileException e = assertThrows(DataFileException.class, () -> read.apply(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(expected), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }
}
