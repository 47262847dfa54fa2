package org.vecformer.model.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void idsParseWithSpacesOrCommas() {
        IdTokenizer t = new IdTokenizer(10);
        assertArrayEquals(new int[] {3, 1, 4}, t.encode("3 1 4"));
        assertArrayEquals(new int[] {3, 1, 4, 9}, t.encode(" 3,1 ,  4\t9\n"));
        assertArrayEquals(new int[0], t.encode("  "));
        assertEquals("3 1 4", t.decode(new int[] {3, 1, 4}));
    }

    @Test
    void outOfVocabularyIdsAndNonNumbersAreNamed() {
        IdTokenizer t = new IdTokenizer(10);
        assertEquals("token id 10 is outside the vocabulary [0, 10)",
                assertThrows(IllegalArgumentException.class, () -> t.encode("3 10 4")).getMessage());
        assertEquals("token id -1 is outside the vocabulary [0, 10)",
                assertThrows(IllegalArgumentException.class, () -> t.encode("-1")).getMessage());
        assertEquals("token id 99999999999 is outside the vocabulary [0, 10)",
                assertThrows(IllegalArgumentException.class, () -> t.encode("99999999999")).getMessage());
        assertEquals("token 'x' is not a whole number (write ids like \"3 1 4\")",
                assertThrows(IllegalArgumentException.class, () -> t.encode("1 x")).getMessage());
    }

    @Test
    void charactersComeFromTheTextInCodePointOrder() {
        CharTokenizer t = CharTokenizer.fromText("hello, wörld 🙂");
        assertEquals(List.of(" ", ",", "d", "e", "h", "l", "o", "r", "w", "ö", "🙂"), t.vocab());
        int[] ids = t.encode("hello 🙂");
        assertArrayEquals(new int[] {4, 3, 5, 5, 6, 0, 10}, ids);
        assertEquals("hello 🙂", t.decode(ids));
    }

    @Test
    void unknownCharactersAreNamed() {
        CharTokenizer t = CharTokenizer.fromText("abc");
        assertEquals("character 'z' (U+007A) is not in the vocabulary of 3 characters",
                assertThrows(IllegalArgumentException.class, () -> t.encode("abz")).getMessage());
        assertEquals("character (U+000A) is not in the vocabulary of 3 characters",
                assertThrows(IllegalArgumentException.class, () -> t.encode("a\n")).getMessage());
    }

    @Test
    void jsonRoundTripsAndBadJsonIsRejected() {
        CharTokenizer t = CharTokenizer.fromText("xy\"\\\n🙂");
        assertEquals(t, CharTokenizer.fromJson(t.toJson()));
        assertEquals("tokenizer type must be \"char\", not bpe",
                assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromJson("{\"type\":\"bpe\"}")).getMessage());
        assertEquals("vocabulary entry \"ab\" is not one character",
                assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromJson("{\"type\":\"char\",\"vocab\":[\"ab\"]}")).getMessage());
        assertEquals("tokenizer is not a JSON object",
                assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromJson("{oops")).getMessage());
    }
}
