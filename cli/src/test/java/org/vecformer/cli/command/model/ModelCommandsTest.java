package org.vecformer.cli.command.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.generate.Generator;
import org.vecformer.model.generate.Sampler;
import org.vecformer.model.generate.SamplingOptions;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

class ModelCommandsTest {
    @TempDir
    static Path dir;

    static Path ids, chars;
    static ModelFile idModel, charModel;

    @BeforeAll
    static void models() throws IOException {
        idModel = new ModelFile(Weights.init(Config.of(2, 16, 2, 8, 10, 7), 1, 0.5), Optional.empty());
        ids = dir.resolve("ids.safetensors");
        idModel.save(ids);
        CharTokenizer abc = CharTokenizer.fromText("abc d\n");
        charModel = new ModelFile(Weights.init(Config.of(1, 16, 2, 8, 12, abc.vocabSize()), 2, 0.5), Optional.of(abc));
        chars = dir.resolve("chars.safetensors");
        charModel.save(chars);
    }

    @Test
    void inspectShowsConfigParametersAndTokenizer() throws IOException {
        CliRun r = CliRun.of("inspect", "--model", chars.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        Map<?, ?> config = (Map<?, ?>) all.get("config");
        assertEquals(16, ((Number) config.get("d_model")).intValue());
        assertEquals("LN", config.get("normalization_type"));
        assertEquals(charModel.weights().parameterCount(), ((Number) all.get("parameter_count")).longValue());
        List<?> params = (List<?>) all.get("parameters");
        assertEquals(charModel.weights().stateDict().size(), params.size());
        Map<?, ?> wq = (Map<?, ?>) params.stream().filter(p -> ((Map<?, ?>) p).get("name").equals("blocks.0.attn.W_Q")).findFirst().orElseThrow();
        assertEquals(List.of(2, 16, 8), wq.get("shape"));
        assertEquals(256, ((Number) wq.get("count")).intValue());
        assertEquals(List.of("\n", " ", "a", "b", "c", "d"), ((Map<?, ?>) all.get("tokenizer")).get("vocab"));

        CliRun text = CliRun.of("inspect", "--model", ids.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("2 layers, d_model 16, 2 heads × d_head 8, n_ctx 10, d_vocab 7"), text.out());
        assertTrue(text.out().contains("raw ids 0..6"), text.out());
        assertTrue(text.out().contains("unembed.W_U"), text.out());
    }

    @Test
    void runJsonGivesTheTokensAndTheLogitsOfEveryPosition() throws IOException {
        CliRun r = CliRun.of("run", "--model", ids.toString(), "--tokens", "3 1 4 1 5", "--json", "--top-k", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = JSON.std.mapFrom(r.out());
        assertEquals(List.of(3, 1, 4, 1, 5), all.get("tokens"));
        Tensor want = idModel.transformer().forward(new int[] {3, 1, 4, 1, 5}).slice(0);
        List<?> logits = (List<?>) all.get("logits");
        assertEquals(5, logits.size());
        for (int t = 0; t < 5; t++) {
            List<?> row = (List<?>) logits.get(t);
            assertEquals(7, row.size());
            for (int v = 0; v < 7; v++) assertEquals(want.get(t, v), ((Number) row.get(v)).floatValue(), "logit " + t + "," + v);
        }
        assertEquals(2, ((List<?>) ((List<?>) all.get("top")).get(0)).size());
    }

    @Test
    void runTextShowsTopKPerPosition() {
        CliRun r = CliRun.of("run", "--model", chars.toString(), "--prompt", "ab c\n", "--top-k", "3");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r.out());
        assertTrue(lines[0].contains("top-3"), lines[0]);
        assertTrue(lines[1].trim().startsWith("0  'a'"), lines[1]);
        assertTrue(lines[5].trim().startsWith("4  '\\n'"), lines[5]);
    }

    @Test
    void generateIsSeededAndGreedyMatchesTheGenerator() {
        CliRun a = CliRun.of("generate", "--model", chars.toString(), "--prompt", "ab", "--max-tokens", "6", "--seed", "9");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), CliRun.of("generate", "--model", chars.toString(), "--prompt", "ab", "--max-tokens", "6", "--seed", "9").out());
        assertEquals(2 + 6 + 1, a.out().codePointCount(0, a.out().length()), "prompt, 6 characters, newline: " + a.out());
        assertTrue(a.out().startsWith("ab"));

        CliRun greedy = CliRun.of("generate", "--model", ids.toString(), "--prompt", "3 1", "--max-tokens", "4", "--temperature", "0");
        assertEquals(0, greedy.code(), greedy.err());
        int[] want = Generator.generate(idModel.transformer(), new int[] {3, 1}, 4, new Sampler(SamplingOptions.greedy()), t -> {}).tokens();
        StringBuilder expected = new StringBuilder("3 1 ");
        for (int t : want) expected.append(t).append(' ');
        assertEquals(expected + "\n", greedy.out());
    }

    @Test
    void generateSaysWhenTheContextIsFull() {
        CliRun r = CliRun.of("generate", "--model", ids.toString(), "--prompt", "1 2 3", "--max-tokens", "50", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("vecformer: stopped after 7 tokens: the context is full (n_ctx = 10)\n", r.err());
        assertEquals(10, r.out().trim().split(" ").length);
    }

    @Test
    void benchForwardReportsTimeAsJson() throws IOException {
        CliRun r = CliRun.of("bench", "forward", "--model", ids.toString(), "--t", "8", "--threads", "1", "--runs", "2", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = JSON.std.mapFrom(r.out());
        assertEquals(8, ((Number) m.get("t")).intValue());
        assertEquals(1, ((Number) m.get("threads")).intValue());
        assertTrue(((Number) m.get("ms")).doubleValue() > 0);
        assertEquals(Main.USAGE, CliRun.of("bench", "forward", "--model", ids.toString(), "--t", "11").code());
    }

    @Test
    void badInputIsOneLineWithTheRightExitCode() throws IOException {
        assertOneLine(CliRun.of("run", "--model", ids.toString(), "--tokens", "3 7"), Main.USAGE,
                "vecformer: token id 7 is outside the vocabulary [0, 7)");
        assertOneLine(CliRun.of("run", "--model", ids.toString(), "--tokens", "1 2 3 4 5 6 0 1 2 3 4"), Main.USAGE,
                "vecformer: the prompt has 11 tokens but the model's context is n_ctx = 10");
        assertOneLine(CliRun.of("generate", "--model", chars.toString(), "--prompt", "abz"), Main.USAGE,
                "vecformer: character 'z' (U+007A) is not in the vocabulary of 6 characters");
        assertOneLine(CliRun.of("run", "--model", ids.toString()), Main.USAGE, "vecformer: give either --tokens IDS or --prompt TEXT");
        assertOneLine(CliRun.of("generate", "--model", ids.toString(), "--prompt", "1", "--top-p", "0"), Main.USAGE,
                "vecformer: top-p must be in (0, 1], not 0.0");
        Path missing = dir.resolve("missing.safetensors");
        assertOneLine(CliRun.of("inspect", "--model", missing.toString()), Main.FAILURE,
                "vecformer: error: model file " + missing + ": no such file");
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        CliRun bad = CliRun.of("run", "--model", junk.toString(), "--tokens", "1");
        assertEquals(Main.FAILURE, bad.code());
        assertTrue(bad.err().startsWith("vecformer: error: model file " + junk + ": "), bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());
    }

    /** Standard error is the one line {@code line}, a usage error's with the help hint "(vecformer CMD --help)" after it; no stack trace. */
    private static void assertOneLine(CliRun r, int code, String line) {
        assertEquals(code, r.code(), r.err());
        String[] lines = r.err().split("\n");
        assertEquals(1, lines.length, r.err());
        if (code == Main.USAGE) {
            assertTrue(lines[0].startsWith(line + " (vecformer ") && lines[0].endsWith(" --help)"), lines[0]);
        } else {
            assertEquals(line, lines[0]);
        }
    }
}
