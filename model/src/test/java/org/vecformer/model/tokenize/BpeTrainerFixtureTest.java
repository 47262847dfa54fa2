package org.vecformer.model.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link BpeTrainer} to Hugging Face's {@code tokenizers} (goldens from
 * {@code src/test/resources/tokenize/make_trained_goldens.mjs}): the library's own trainer makes exactly our
 * merges, in order, on {@code train.txt} and on the small corpora; and the library, loading the
 * {@code trained.json} our trainer wrote, gives the ids, tokens and text {@link BpeTokenizer} gives.
 */
class BpeTrainerFixtureTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> hf() throws IOException {
        return JSON.std.mapFrom(BpeTokenizerTest.resource("hf-merges.json"));
    }

    private static List<List<String>> ours(WordCounts words, int vocab) {
        return BpeTrainer.train(words, vocab, BpeTrainer.DEFAULT_SPECIALS).merges().stream()
                .map(m -> List.of(m.left(), m.right())).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void mergesEqualTheLibraryTrainersOnTheSmallCorpora() throws IOException {
        Map<String, Object> hf = hf();
        Map<String, String> corpora = (Map<String, String>) hf.get("corpora");
        Map<String, Object> merges = (Map<String, Object>) hf.get("merges");
        assertEquals(7, corpora.size());
        for (Map.Entry<String, String> c : corpora.entrySet()) {
            assertEquals(merges.get(c.getKey()), ours(BpeTrainerTest.counts(c.getValue()), 30_000), c.getKey());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void mergesEqualTheLibraryTrainersOnTheLicenseTexts() throws IOException {
        List<Object> expected = (List<Object>) ((Map<String, Object>) hf().get("merges")).get("train.txt");
        assertEquals(3261, expected.size());
        // Trained to exhaustion (the library's 30,000 holds more than the text can merge): every merge equal.
        WordCounts words = BpeTrainerTest.counts(BpeTokenizerTest.resource("train.txt"));
        assertEquals(expected, ours(words, 30_000));
        // Stopped by the vocabulary: the first merges, as in the committed trained.json (741 merges =
        // 1000 − 3 specials − 256 bytes).
        assertEquals(expected.subList(0, 741), ours(words, 1000));
        assertTrue(BpeTokenizerTest.resource("trained.json").equals(BpeTrainer.train(words, 1000, BpeTrainer.DEFAULT_SPECIALS).toJson()),
                "trained.json is what our trainer writes for train.txt at vocab 1000");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLibraryReadsOurFileAsWeDo() throws IOException {
        BpeTokenizer t = BpeTokenizerTest.load("trained.json");
        List<Map<String, Object>> cases = (List<Map<String, Object>>) JSON.std.mapFrom(
                BpeTokenizerTest.resource("trained-goldens.json")).get("cases");
        assertTrue(cases.size() > 300);
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            int[] ids = ((List<Integer>) c.get("ids")).stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(ids, t.encode(text), text);
            List<String> tokens = (List<String>) c.get("tokens");
            for (int i = 0; i < ids.length; i++) assertEquals(tokens.get(i), t.token(ids[i]), text);
            assertEquals(c.get("decoded"), t.decode(ids), text);
            // The file's template puts BOS (id 1) in front, as BpeTokenizer.bos() says.
            int[] withSpecials = ((List<Integer>) c.get("withSpecials")).stream().mapToInt(Integer::intValue).toArray();
            assertEquals(t.bos().getAsInt(), withSpecials[0], text);
            assertArrayEquals(ids, java.util.Arrays.copyOfRange(withSpecials, 1, withSpecials.length), text);
        }
    }
}
