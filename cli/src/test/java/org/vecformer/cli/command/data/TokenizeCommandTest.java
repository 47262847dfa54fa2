package org.vecformer.cli.command.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;
import org.vecformer.cli.command.bench.BenchTokenizeCommand;

/**
 * {@code vecformer tokenize} and BPE models in the commands, held to the goldens that Hugging Face's
 * {@code tokenizers} wrote for the model module's fixture tokenizer (its BOS, {@code <|BOS|>}, is id 1).
 */
class TokenizeCommandTest {
    /** The model module's fixtures; tests run in the cli module's directory. */
    static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "tokenize");
    static final Path TOKENIZER = FIXTURES.resolve("nfc-specials.json");

    @TempDir
    static Path dir;

    static Path bpeModel;
    static Map<String, Map<String, Object>> goldens;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws IOException {
        Map<String, Object> all = JSON.std.mapFrom(Files.readString(FIXTURES.resolve("goldens.json")));
        goldens = new java.util.HashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) ((Map<String, Object>) all.get("files")).get("nfc-specials.json")) {
            goldens.putIfAbsent((String) c.get("text"), c);
        }
        BpeTokenizer bpe = BpeTokenizer.fromJson(Files.readString(TOKENIZER));
        bpeModel = dir.resolve("bpe.safetensors");
        new ModelFile(Weights.init(Config.of(1, 16, 2, 8, 64, bpe.vocabSize() + 6), 3, 0.5), Optional.of(bpe)).save(bpeModel);
    }

    static List<Integer> ids(String text) {
        return intList(goldens.get(text).get("ids"));
    }

    @SuppressWarnings("unchecked")
    static List<Integer> intList(Object o) {
        List<Integer> out = new ArrayList<>();
        for (Object x : (List<Object>) o) out.add(((Number) x).intValue());
        return out;
    }

    @Test
    void jsonIsExactlyTheLibrarysIdsAndTokensWithoutBos() throws IOException {
        for (String text : List.of("a<|BOS|>b", "Hello   world  ", "👩\u200d👩\u200d👧\u200d👦 family", "it's don't we're they've I'm you'll he'd",
                "Cafe\u0301 x", "x    y")) {
            for (String[] source : List.of(new String[] {"--tokenizer", TOKENIZER.toString()}, new String[] {"--model", bpeModel.toString()})) {
                CliRun r = CliRun.of("tokenize", source[0], source[1], "--prompt", text, "--json");
                assertEquals(0, r.code(), r.err());
                Map<String, Object> out = JSON.std.mapFrom(r.out());
                assertEquals(ids(text), intList(out.get("ids")), text);
                assertEquals(goldens.get(text).get("tokens"), out.get("tokens"), text);
            }
        }
    }

    @Test
    void fileIsEncodedExactlyWithItsTrailingNewlinesAndInvalidUtf8IsOneLine() throws IOException {
        for (String text : List.of("trailing\n", "a\r\nb\r\n", "\n\n")) {
            Path f = dir.resolve("text.txt");
            Files.write(f, text.getBytes(StandardCharsets.UTF_8));
            CliRun r = CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--file", f.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(ids(text), intList(JSON.std.mapFrom(r.out()).get("ids")), text);
        }
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'a', 'b', (byte) 0xC3, '(', 'c'});
        CliRun r = CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--file", bad.toString());
        assertEquals(Main.FAILURE, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("vecformer: error: " + bad + " is not valid UTF-8 (byte 0xC3 at offset 2)"), r.err());
    }

    @Test
    void decodeGivesTheLibrarysTextAndTextOutputShowsEachToken() {
        String text = "Hello   world  ";
        String idText = String.join(" ", ids(text).stream().map(String::valueOf).toList());
        CliRun d = CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--decode", idText);
        assertEquals(0, d.code(), d.err());
        assertEquals(goldens.get(text).get("decoded") + "\n", d.out());
        String decomposed = "Cafe\u0301 x";
        assertEquals(goldens.get(decomposed).get("decoded") + "\n",
                CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--decode",
                        String.join(" ", ids(decomposed).stream().map(String::valueOf).toList())).out());

        CliRun t = CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--prompt", "a<|BOS|>b\n");
        assertEquals(0, t.code(), t.err());
        String[] lines = t.out().split("\n");
        assertEquals("4 tokens", lines[0]);
        assertEquals(List.of("'a'", "'<|BOS|>'", "'b'", "'\\n'"), List.of(lines).subList(1, 5).stream()
                .map(l -> l.trim().split("\\s+", 3)[2]).toList());
        assertTrue(lines[2].trim().startsWith("1         1"), lines[2]);

        CliRun bad = CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString(), "--decode", "3 5000");
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().startsWith("vecformer: token id 5000 is outside the vocabulary [0, 1263)"), bad.err());
        assertEquals(Main.USAGE, CliRun.of("tokenize", "--tokenizer", TOKENIZER.toString()).code());
        assertEquals(Main.USAGE, CliRun.of("tokenize", "--prompt", "x").code());
    }

    @Test
    void modelCommandsPutTheBosInFrontOfAPromptUnlessNoBos() throws IOException {
        String text = "Hello world";
        CliRun r = CliRun.of("run", "--model", bpeModel.toString(), "--prompt", text, "--json");
        assertEquals(0, r.code(), r.err());
        List<Integer> want = new ArrayList<>(List.of(1));
        want.addAll(ids(text));
        assertEquals(want, intList(JSON.std.mapFrom(r.out()).get("tokens")));

        CliRun noBos = CliRun.of("run", "--model", bpeModel.toString(), "--prompt", text, "--no-bos", "--json");
        assertEquals(ids(text), intList(JSON.std.mapFrom(noBos.out()).get("tokens")));
        CliRun raw = CliRun.of("run", "--model", bpeModel.toString(), "--tokens", "5 6", "--json");
        assertEquals(List.of(5, 6), intList(JSON.std.mapFrom(raw.out()).get("tokens")), "--tokens are used as given");

        CliRun runText = CliRun.of("run", "--model", bpeModel.toString(), "--prompt", text);
        assertTrue(runText.out().contains("0  '<|BOS|>'"), runText.out());
        assertTrue(runText.out().contains("  5  ' w'"), runText.out());

        CliRun attention = CliRun.of("attention", "--model", bpeModel.toString(), "--prompt", text, "--json");
        assertEquals(want, intList(JSON.std.mapFrom(attention.out()).get("tokens")));
        CliRun attentionText = CliRun.of("attention", "--model", bpeModel.toString(), "--prompt", text);
        assertTrue(attentionText.out().contains("0 '<|BOS|>'  1 'H'"), attentionText.out());

        for (String command : List.of("attribute", "ablate")) {
            CliRun a = CliRun.of(command, "--model", bpeModel.toString(), "--prompt", text, "--json");
            assertEquals(0, a.code(), a.err());
            assertEquals(want, intList(JSON.std.mapFrom(a.out()).get("tokens")), command);
            CliRun b = CliRun.of(command, "--model", bpeModel.toString(), "--prompt", text, "--no-bos", "--json");
            assertEquals(ids(text), intList(JSON.std.mapFrom(b.out()).get("tokens")), command);
        }

        CliRun g = CliRun.of("generate", "--model", bpeModel.toString(), "--prompt", "naïve 🙂", "--max-tokens", "5", "--seed", "4");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().startsWith("naïve 🙂"), "the prompt without its BOS, whole characters: " + g.out());
        assertEquals(0, CliRun.of("generate", "--model", bpeModel.toString(), "--prompt", "x", "--no-bos", "--max-tokens", "2", "--seed", "4").code());
    }

    @Test
    void benchTokenizeCountsAndHashesTheLibrarysIds() throws IOException {
        String text = "#include <stdio.h>\nint main(void) { return 0; }\n";
        Path f = dir.resolve("bench.txt");
        Files.writeString(f, text);
        CliRun r = CliRun.of("bench", "tokenize", "--tokenizer", TOKENIZER.toString(), "--text", f.toString(), "--rounds", "1", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> out = JSON.std.mapFrom(r.out());
        int hash = 0;
        for (int id : ids(text)) hash = 31 * hash + id;
        assertEquals(ids(text).size(), ((Number) out.get("tokens")).intValue());
        assertEquals(hash, ((Number) out.get("hash")).intValue());
        assertEquals(1, ((Number) out.get("documents")).intValue());
        assertTrue(((Number) out.get("best_mb_per_s")).doubleValue() > 0);
        assertEquals(List.of("a\n\n", "b\n\n", "\n", "c"), BenchTokenizeCommand.documents("a\n\nb\n\n\nc"),
                "cut after every \"\\n\\n\", as tokenizer_bench.mjs cuts");
    }

    @Test
    void inspectShowsTheBpeTokenizerAndTheModelFileKeepsIt() throws IOException {
        CliRun r = CliRun.of("inspect", "--model", bpeModel.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> tok = (Map<?, ?>) JSON.std.mapFrom(r.out()).get("tokenizer");
        assertEquals("bpe", tok.get("type"));
        assertEquals(1263, ((Number) tok.get("vocab_size")).intValue());
        assertEquals(1, ((Number) tok.get("bos")).intValue());
        assertEquals(List.of("<|PAD|>", "<|BOS|>", "<|EOS|>"), tok.get("special_tokens"));
        CliRun text = CliRun.of("inspect", "--model", bpeModel.toString());
        assertTrue(text.out().contains("byte-level BPE (Hugging Face tokenizer.json), ids 0..1262, specials <|PAD|> <|BOS|> <|EOS|>, BOS '<|BOS|>' (id 1)"),
                text.out());

        BpeTokenizer back = assertInstanceOf(BpeTokenizer.class, ModelFile.load(bpeModel).tokenizer());
        assertEquals(Files.readString(TOKENIZER), back.toJson());
        assertFalse(CliRun.of("inspect", "--model", bpeModel.toString()).out().contains("raw ids"));
    }
}
