package org.vecformer.cli.command.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vecformer.model.tokenize.BpeTokenizer;

/**
 * Streaming generation's text, held to the goldens that Hugging Face's {@code tokenizers} wrote for the
 * model module's fixture tokenizer: pieces never split a character, and together they are the decoded text.
 */
class TextStreamTest {
    /** The model module's fixtures; tests run in the cli module's directory. */
    static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "tokenize");
    static final Path TOKENIZER = FIXTURES.resolve("nfc-specials.json");

    static Map<String, Map<String, Object>> goldens;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws IOException {
        Map<String, Object> all = JSON.std.mapFrom(Files.readString(FIXTURES.resolve("goldens.json")));
        goldens = new HashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) ((Map<String, Object>) all.get("files")).get("nfc-specials.json")) {
            goldens.putIfAbsent((String) c.get("text"), c);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Integer> ids(String text) {
        return ((List<Object>) goldens.get(text).get("ids")).stream().map(x -> ((Number) x).intValue()).toList();
    }

    @Test
    void streamedTextHandsOutWholeCharactersOnly() throws IOException {
        BpeTokenizer bpe = BpeTokenizer.fromJson(Files.readString(TOKENIZER));
        String text = "👩\u200d👩\u200d👧\u200d👦 family";
        TextStream stream = new TextStream(bpe);
        StringBuilder all = new StringBuilder();
        for (int id : ids(text)) {
            String part = stream.add(id);
            assertFalse(part.contains("\uFFFD"), part);
            all.append(part);
        }
        all.append(stream.finish());
        assertEquals(goldens.get(text).get("decoded"), all.toString());

        TextStream padded = new TextStream(bpe);
        int firstByteOfEmoji = ids(text).get(0);
        assertEquals("", padded.add(firstByteOfEmoji));
        assertEquals("\uFFFD⟨" + (bpe.vocabSize() + 3) + "⟩", padded.add(bpe.vocabSize() + 3), "held bytes, then the unknown id");
        assertEquals("x", padded.add(ids("x    y").get(0)));
    }
}
