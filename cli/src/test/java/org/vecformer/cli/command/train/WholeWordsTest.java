package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WholeWordsTest {
    // 0 " gen", 1 "us", 2 "era", 3 " the", 4 ".", 5 " sp", 6 " of"
    private static final List<String> TEXT = List.of(" gen", "us", "era", " the", ".", " sp", " of");

    @Test
    void aWordStartTheTextMostlyContinuesIsAPiece() {
        // " gen" is followed by "us" twice and "." once: continued 2 of 3, a piece.
        // " the" is followed by " gen", ".", " gen", " the": never continued, a word.
        // " sp" is followed by "era" once and " of" once: continued 1 of 2, half, so a word by the rule's ≤.
        int[] ids = {3, 0, 1, 3, 4, 0, 1, 3, 0, 4, 3, 3, 5, 2, 5, 6};
        assertArrayEquals(new int[] {3, 5}, WholeWords.of(ids, new int[] {0, 3, 5}, TEXT.size(), TEXT::get));
    }

    @Test
    void theLastIdHasNoNextTokenAndAbsentCandidatesAreDropped() {
        // " of" occurs only last (no next token to judge it by), " sp" never: both dropped; the order of the candidates is kept
        int[] ids = {3, 4, 0, 4, 6};
        assertArrayEquals(new int[] {3, 0}, WholeWords.of(ids, new int[] {3, 6, 5, 0}, TEXT.size(), TEXT::get));
    }
}
