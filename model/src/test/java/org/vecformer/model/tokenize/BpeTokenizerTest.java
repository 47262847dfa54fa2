package org.vecformer.model.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds {@link BpeTokenizer} to goldens written by Hugging Face's own {@code tokenizers} library
 * ({@code src/test/resources/tokenize/make_goldens.mjs}): for every case of every fixture tokenizer the ids,
 * the token strings, the decoded text and each id decoded alone must be exactly the library's.
 */
class BpeTokenizerTest {
    static String resource(String name) {
        try (InputStream in = BpeTokenizerTest.class.getResourceAsStream("/tokenize/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource tokenize/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> goldens() throws IOException {
        return JSON.std.mapFrom(resource("goldens.json"));
    }

    @SuppressWarnings("unchecked")
    static Stream<String> files() throws IOException {
        return ((Map<String, Object>) goldens().get("files")).keySet().stream();
    }

    static BpeTokenizer load(String file) {
        return BpeTokenizer.fromJson(resource(file));
    }

    @ParameterizedTest
    @MethodSource("files")
    @SuppressWarnings("unchecked")
    void everyGoldenMatchesTheLibrary(String file) throws IOException {
        BpeTokenizer t = load(file);
        List<Map<String, Object>> cases = (List<Map<String, Object>>) ((Map<String, Object>) goldens().get("files")).get(file);
        assertTrue(cases.size() > 100, "goldens of " + file);
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            String where = file + " on " + escape(text);
            int[] want = ((List<Integer>) c.get("ids")).stream().mapToInt(Integer::intValue).toArray();
            int[] ids = t.encode(text);
            assertArrayEquals(want, ids, where);
            List<String> tokens = new ArrayList<>();
            List<String> pieces = new ArrayList<>();
            for (int id : ids) {
                tokens.add(t.token(id));
                pieces.add(t.decode(id));
            }
            assertEquals(c.get("tokens"), tokens, where);
            assertEquals(c.get("decoded"), t.decode(ids), where);
            assertEquals(c.get("pieces"), pieces, where);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void gpt2SplitMatchesTheLibrarysPreTokenizer() throws IOException {
        for (Map<String, Object> c : (List<Map<String, Object>>) goldens().get("pretokenized")) {
            String text = (String) c.get("text");
            List<String> pieces = new ArrayList<>();
            Gpt2Split.split(text, p -> pieces.add(ByteLevel.encode(p)));
            assertEquals(c.get("pieces"), pieces, escape(text));
        }
    }

    @Test
    void bosIsTheTemplatesSpecialElseANamedSpecialElseNone() {
        assertEquals(OptionalInt.of(1), load("nfc-specials.json").bos());
        BpeTokenizer prefix = load("plain-prefix.json");
        assertEquals(OptionalInt.of(prefix.encode("<|BOS|>")[0]), prefix.bos());
        BpeTokenizer sequence = load("sequence.json");
        assertEquals(OptionalInt.of(sequence.encode("<|endoftext|>")[0]), sequence.bos());
        assertEquals(OptionalInt.empty(), load("ignore-merges.json").bos());
        assertEquals(OptionalInt.empty(), new CharTokenizer(List.of("a")).bos());
        assertEquals(OptionalInt.empty(), new IdTokenizer(3).bos());
    }

    @Test
    void keepsTheFileItWasReadFromAndListsItsAddedTokens() {
        String json = resource("nfc-specials.json");
        BpeTokenizer t = BpeTokenizer.fromJson(json);
        assertSame(json, t.toJson());
        assertEquals(List.of("<|PAD|>", "<|BOS|>", "<|EOS|>"), t.specialTokens());
        assertEquals(List.of("<|PAD|>", "<|BOS|>", "<|EOS|>", "    ", "Café", "ﬁle", "naïf"), t.addedTokens());
        assertEquals(1263, t.vocabSize());
    }

    @Test
    void piecesShowPartialCharactersAsBytes() {
        BpeTokenizer t = load("nfc-specials.json");
        int[] ids = t.encode("é x");
        List<String> shown = new ArrayList<>();
        for (int id : ids) shown.add(t.piece(id));
        assertEquals(t.decode(ids), String.join("", shown).replace("\\xC3\\xA9", "é"));
        assertTrue(shown.contains("\\xC3") || shown.contains("é"), shown.toString());
        assertEquals("Café", t.piece(t.encode("Café")[0]));
    }

    @Test
    void idsOutsideTheVocabularyAreNamed() {
        BpeTokenizer t = load("nfc-specials.json");
        assertEquals("token id 1263 is not in the tokenizer's vocabulary of 1263",
                assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {5, 1263})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.token(-1));
    }

    /** The file with {@code edit} applied to the parsed JSON of nfc-specials.json. */
    @SuppressWarnings("unchecked")
    static String edited(java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> root = JSON.std.mapFrom(resource("nfc-specials.json"));
        edit.accept(root);
        return JSON.std.asString(root);
    }

    static String refusal(java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        String json = edited(edit);
        return assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromJson(json)).getMessage();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> model(Map<String, Object> root) {
        return (Map<String, Object>) root.get("model");
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsupportedComponentsAreRefusedByName() throws IOException {
        assertEquals("tokenizer.json is not a JSON object", assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromJson("[1")).getMessage());
        assertEquals("tokenizer model WordPiece is not supported (only byte-level BPE)", refusal(r -> model(r).put("type", "WordPiece")));
        assertEquals("tokenizer model Unigram is not supported (only byte-level BPE)", refusal(r -> model(r).put("type", "Unigram")));
        assertEquals("normalizer BertNormalizer is not supported (only NFC or none)", refusal(r -> r.put("normalizer", Map.of("type", "BertNormalizer"))));
        assertEquals("normalizer NFKC is not supported (only NFC or none)",
                refusal(r -> r.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of(Map.of("type", "NFC"), Map.of("type", "NFKC"))))));
        assertEquals("pre_tokenizer Metaspace is not supported (only ByteLevel)", refusal(r -> r.put("pre_tokenizer", Map.of("type", "Metaspace"))));
        assertEquals("pre_tokenizer Sequence of 2 is not supported (only one ByteLevel)", refusal(r -> r.put("pre_tokenizer",
                Map.of("type", "Sequence", "pretokenizers", List.of(Map.of("type", "Digits"), Map.of("type", "ByteLevel"))))));
        assertEquals("tokenizer.json has no pre_tokenizer (a byte-level BPE needs ByteLevel)", refusal(r -> r.put("pre_tokenizer", null)));
        assertEquals("decoder WordPiece is not supported (only ByteLevel or none)", refusal(r -> r.put("decoder", Map.of("type", "WordPiece"))));
        assertEquals("post_processor BertProcessing is not supported (only TemplateProcessing, ByteLevel, a Sequence of them, or none)",
                refusal(r -> r.put("post_processor", Map.of("type", "BertProcessing"))));
        assertEquals("BPE dropout 0.1 is not supported (only null)", refusal(r -> model(r).put("dropout", 0.1)));
        assertEquals("BPE byte_fallback true is not supported (only false)", refusal(r -> model(r).put("byte_fallback", true)));
        assertEquals("BPE continuing_subword_prefix \"##\" is not supported (only null)", refusal(r -> model(r).put("continuing_subword_prefix", "##")));
        assertEquals("BPE end_of_word_suffix \"</w>\" is not supported (only null)", refusal(r -> model(r).put("end_of_word_suffix", "</w>")));
        assertEquals("added token \"<|BOS|>\" has lstrip true, which is not supported", refusal(r -> addedToken(r, 1).put("lstrip", true)));
        assertEquals("added token \"<|BOS|>\" has single_word true, which is not supported", refusal(r -> addedToken(r, 1).put("single_word", true)));
        assertEquals("merge 0 (Ġ x) uses \"Ġx\", which is not in the vocab", refusal(r -> ((List<Object>) model(r).get("merges")).set(0, "Ġ x")));
        assertEquals("merge 3 \"a b c\" is not two tokens separated by one space", refusal(r -> ((List<Object>) model(r).get("merges")).set(3, "a b c")));
        assertEquals("BPE unk_token <unk> is not in the vocab", refusal(r -> model(r).put("unk_token", "<unk>")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> addedToken(Map<String, Object> root, int i) {
        return ((List<Map<String, Object>>) root.get("added_tokens")).get(i);
    }

    @Test
    void aSequenceOfOnlyNfcIsNfcAndAnEmptyOneIsNone() throws IOException {
        BpeTokenizer seq = BpeTokenizer.fromJson(edited(r -> r.put("normalizer", Map.of("type", "Sequence", "normalizers",
                List.of(Map.of("type", "NFC"), Map.of("type", "NFC"))))));
        BpeTokenizer none = BpeTokenizer.fromJson(edited(r -> r.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of()))));
        BpeTokenizer nfc = load("nfc-specials.json");
        String decomposed = "Cafe\u0301 au lait";
        assertArrayEquals(nfc.encode(decomposed), seq.encode(decomposed));
        assertFalse(java.util.Arrays.equals(nfc.encode(decomposed), none.encode(decomposed)));
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u{%X}", cp) : Character.toString(cp)));
        return sb.append('"').toString();
    }
}
