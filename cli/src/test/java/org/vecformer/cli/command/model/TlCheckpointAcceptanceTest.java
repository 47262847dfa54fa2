package org.vecformer.cli.command.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vecformer.cli.CliRun;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.Tokenizer;

/**
 * Real TransformerLens checkpoints from the Hub, imported with their tokenizer, give TransformerLens' own numbers:
 * the ids of "Hello, world!" with BOS ({@code [1, 11765, 14, 1499, 3]}, from TransformerLens' tokenizer tests) as
 * {@code run --json} feeds them, and the loss on "Hello world!" with BOS that its acceptance test stores
 * (attn-only-3l 5.747507095336914, attn-only-demo 5.701841354370117) within its 4e-5, with and without
 * TransformerLens' weight processing.
 *
 * <p>Needs {@code VECFORMER_TL_DIR}: a folder holding, as the README's "Bring your own model" downloads them,
 * {@code Attn_Only_3L512W_C4_Code/} and {@code Attn-Only-2L512W-Shortformer-6B-big-lr/} (each with {@code config.json}
 * and {@code model_final.pth}) and {@code gpt-neox-tokenizer-digits/tokenizer.json}. Skipped, saying so, without it.
 */
class TlCheckpointAcceptanceTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} --process {2}")
    @CsvSource({
        "Attn_Only_3L512W_C4_Code, 5.747507095336914, none",
        "Attn_Only_3L512W_C4_Code, 5.747507095336914, tl",
        "Attn-Only-2L512W-Shortformer-6B-big-lr, 5.701841354370117, none",
        "Attn-Only-2L512W-Shortformer-6B-big-lr, 5.701841354370117, tl",
    })
    void tokensAndLossAreTransformerLenss(String repo, double expected, String process) throws IOException {
        String root = System.getenv("VECFORMER_TL_DIR");
        Assumptions.assumeTrue(root != null && !root.isBlank(),
                "set VECFORMER_TL_DIR to a folder with the Hub downloads (README: Bring your own model) to run this test");
        Path folder = Path.of(root).resolve(repo), tokenizer = Path.of(root).resolve("gpt-neox-tokenizer-digits/tokenizer.json");
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve("model_final.pth")) && Files.isRegularFile(tokenizer),
                "VECFORMER_TL_DIR lacks " + repo + "/model_final.pth or gpt-neox-tokenizer-digits/tokenizer.json: download them as the README says");

        Path model = dir.resolve(repo + ".safetensors");
        CliRun imported = CliRun.of("import", "--weights", folder.resolve("model_final.pth").toString(),
                "--config", folder.resolve("config.json").toString(), "--tokenizer", tokenizer.toString(),
                "--out", model.toString(), "--process", process);
        assertEquals(0, imported.code(), imported.err());

        CliRun run = CliRun.of("run", "--model", model.toString(), "--prompt", "Hello, world!", "--json");
        assertEquals(0, run.code(), run.err());
        List<?> fed = (List<?>) JSON.std.mapFrom(run.out()).get("tokens");
        assertArrayEquals(new int[] {1, 11765, 14, 1499, 3}, fed.stream().mapToInt(t -> ((Number) t).intValue()).toArray());

        ModelFile m = ModelFile.load(model);
        Tokenizer t = m.tokenizer();
        int[] text = t.encode("Hello world!");
        int[] tokens = new int[text.length + 1];
        tokens[0] = t.bos().orElseThrow();
        System.arraycopy(text, 0, tokens, 1, text.length);
        Tensor loss = m.transformer().loss(new int[][] {tokens});
        double mean = 0;
        for (int i = 0; i < loss.size(); i++) mean += loss.data()[loss.offset() + i];
        mean /= loss.size();
        assertEquals(expected, mean, 4e-5, repo + " --process " + process + " on " + java.util.Arrays.toString(tokens));
    }
}
