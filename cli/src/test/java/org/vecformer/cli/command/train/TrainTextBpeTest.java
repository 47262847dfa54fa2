package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;

/**
 * {@code vecformer train --task text --tokenizer}: BPE ids through the token cache (built once, then reused), the
 * model file storing the tokenizer byte for byte so {@code run --prompt} encodes with it, and resuming.
 */
class TrainTextBpeTest {
    static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "tokenize");
    private static final String[] TINY = {"--layers", "1", "--d-model", "8", "--heads", "2", "--ctx", "16", "--batch", "4", "--threads", "1"};

    @TempDir
    Path dir;

    @RegisterExtension
    final TempCache cache = new TempCache();

    private CliRun train(String... args) {
        return CliRun.of("train", TINY, args);
    }

    @Test
    void trainsOnBpeIdsAndStoresTheTokenizer() throws IOException {
        Path data = FIXTURES.resolve("train.txt"), tokenizer = FIXTURES.resolve("trained.json"), model = dir.resolve("m.safetensors");
        CliRun r = train("--task", "text", "--data", data.toString(), "--tokenizer", tokenizer.toString(), "--steps", "3", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokenizing 1 documents"), r.err());
        assertTrue(r.out().contains("d_vocab 1,000"), r.out());
        ModelFile m = ModelFile.load(model);
        BpeTokenizer stored = (BpeTokenizer) m.storedTokenizer().orElseThrow();
        assertEquals(Files.readString(tokenizer), stored.toJson());
        try (var files = Files.list(cache.dir())) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("tokens-")).count());
        }
        // The prompt is encoded by the stored BPE with its BOS (<|BOS|>, id 1) in front.
        CliRun run = CliRun.of("run", "--model", model.toString(), "--prompt", "the License", "--json");
        assertEquals(0, run.code(), run.err());
        String ids = run.out().substring(run.out().indexOf("\"tokens\":") + 9);
        int[] expected = stored.encode("the License");
        assertTrue(ids.startsWith("[1," + expected[0] + "," + expected[1] + "]"), ids.substring(0, Math.min(60, ids.length())));

        // A second run reuses the cache; a resume rebuilds the same data streams from the checkpoint.
        CliRun again = train("--task", "text", "--data", data.toString(), "--tokenizer", tokenizer.toString(), "--steps", "2",
                "--out", dir.resolve("m2.safetensors").toString());
        assertEquals(0, again.code(), again.err());
        assertFalse(again.err().contains("tokenizing"), again.err());
        CliRun resumed = CliRun.of("train", "--resume", dir.resolve("m.ckpt.safetensors").toString(), "--steps", "5",
                "--out", dir.resolve("m3.safetensors").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(ModelFile.load(dir.resolve("m3.safetensors")).storedTokenizer().orElseThrow() instanceof BpeTokenizer);
    }

    @Test
    void refusals() throws IOException {
        Path out = dir.resolve("x.safetensors");
        List<String[]> bad = List.of(
                new String[] {"--task", "tokens", "--data", FIXTURES.resolve("train.txt").toString(), "--tokenizer",
                        FIXTURES.resolve("trained.json").toString(), "--out", out.toString()},
                new String[] {"--task", "text", "--data", FIXTURES.resolve("train.txt").toString(), "--tokenizer",
                        dir.resolve("none.json").toString(), "--out", out.toString()},
                new String[] {"--task", "text", "--data", FIXTURES.resolve("train.txt").toString(), "--tokenizer",
                        FIXTURES.resolve("trained.json").toString(), "--vocab", "300", "--out", out.toString()});
        for (String[] args : bad) {
            CliRun r = train(args);
            assertEquals(2, r.code(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(out));
    }
}
