package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.model.data.Corpus;
import org.vecformer.model.data.TokenCache;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.train.Checkpoint;

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
        assertTrue(r.err().contains("tokenizing 1 document ("), r.err());
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

    /** train.txt cut in two: its first 400 lines as {@code a.txt}, the rest as {@code b/b.txt} (a file and a directory). */
    private List<Path> twoPaths() throws IOException {
        List<String> lines = Files.readAllLines(FIXTURES.resolve("train.txt"));
        Path a = Files.write(dir.resolve("a.txt"), lines.subList(0, 400)), b = Files.createDirectories(dir.resolve("b"));
        Files.write(b.resolve("b.txt"), lines.subList(400, lines.size()));
        return List.of(a, b);
    }

    @Test
    void severalPathsFormOneCorpusThatResumeRebuilds() throws IOException {
        List<Path> paths = twoPaths();
        Path tokenizer = FIXTURES.resolve("trained.json"), model = dir.resolve("m.safetensors");
        CliRun r = train("--task", "text", "--data", paths.get(0).toString(), paths.get(1).toString(), "--tokenizer", tokenizer.toString(),
                "--steps", "2", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokenizing 2 documents"), r.err());

        // The one cache file is the corpus of both paths: a BOS and the BPE ids of each half, in path order.
        BpeTokenizer bpe = BpeTokenizer.fromJson(Files.readString(tokenizer));
        Corpus both = Corpus.scan(paths);
        try (var files = Files.list(cache.dir())) {
            assertEquals(List.of(TokenCache.fileFor(both, bpe, cache.dir())), files.filter(f -> f.getFileName().toString().startsWith("tokens-")).toList());
        }
        TokenCache tokens = TokenCache.open(both, bpe, cache.dir(), 1, done -> {});
        assertEquals(2, tokens.documents());
        int a = bpe.encode(Files.readString(paths.get(0))).length, b = bpe.encode(Files.readString(paths.get(1).resolve("b.txt"))).length;
        assertEquals(1 + a + 1 + b, tokens.count());

        // The checkpoint names both paths; --data repeated is the same corpus (the cache is reused).
        Path ckpt = dir.resolve("m.ckpt.safetensors");
        assertEquals(paths.stream().map(Path::toAbsolutePath).toList(), TrainTask.fromJson(Checkpoint.load(ckpt).metadata().get(TrainTask.KEY)).data());
        CliRun repeated = train("--task", "text", "--data", paths.get(0).toString(), "--data", paths.get(1).toString(), "--tokenizer", tokenizer.toString(),
                "--steps", "1", "--out", dir.resolve("r.safetensors").toString());
        assertEquals(0, repeated.code(), repeated.err());
        assertFalse(repeated.err().contains("tokenizing"), repeated.err());
        CliRun resumed = CliRun.of("train", "--resume", ckpt.toString(), "--steps", "3", "--out", dir.resolve("m3.safetensors").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertFalse(resumed.err().contains("tokenizing"), resumed.err());
    }

    @Test
    void readsTheSinglePathOfOlderCheckpoints() throws IOException {
        assertEquals(new TrainTask("text", List.of(Path.of("/corpus/train.txt")), Path.of("/t/tokenizer.json"), 1000, 16, 7),
                TrainTask.fromJson("{\"task\":\"text\",\"data\":\"/corpus/train.txt\",\"tokenizer\":\"/t/tokenizer.json\",\"d_vocab\":1000,\"n_ctx\":16,\"seed\":\"7\"}"));
        assertEquals(new TrainTask("induction", List.of(), null, 64, 64, 1),
                TrainTask.fromJson("{\"task\":\"induction\",\"data\":null,\"tokenizer\":null,\"d_vocab\":64,\"n_ctx\":64,\"seed\":\"1\"}"));

        // A checkpoint whose task is in the old form (data one string) resumes to the very model the new form gives.
        Path data = FIXTURES.resolve("train.txt").toAbsolutePath(), tokenizer = FIXTURES.resolve("trained.json").toAbsolutePath();
        CliRun r = train("--task", "text", "--data", data.toString(), "--tokenizer", tokenizer.toString(), "--steps", "2", "--out", dir.resolve("m.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        Checkpoint ck = Checkpoint.load(dir.resolve("m.ckpt.safetensors"));
        Map<String, String> meta = new LinkedHashMap<>(ck.metadata());
        meta.put(TrainTask.KEY, "{\"task\":\"text\",\"data\":" + quoted(data) + ",\"tokenizer\":" + quoted(tokenizer)
                + ",\"d_vocab\":1000,\"n_ctx\":16,\"seed\":\"1\"}");
        Path old = dir.resolve("old.ckpt.safetensors");
        new Checkpoint(ck.weights(), ck.optimizer(), ck.draws(), ck.train(), meta).save(old);
        for (var resume : List.of(List.of(dir.resolve("m.ckpt.safetensors"), dir.resolve("new.safetensors")), List.of(old, dir.resolve("old.safetensors")))) {
            CliRun resumed = CliRun.of("train", "--resume", resume.get(0).toString(), "--steps", "4", "--out", resume.get(1).toString());
            assertEquals(0, resumed.code(), resumed.err());
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("new.safetensors")), Files.readAllBytes(dir.resolve("old.safetensors")));
    }

    private static String quoted(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\") + "\"";
    }

    @Test
    void refusesExtraPathsWhereOneFileIsReadAndNamesTheBadPath() throws IOException {
        List<Path> paths = twoPaths();
        Path out = dir.resolve("x.safetensors"), csv = Files.writeString(dir.resolve("x.loss.csv"), "some text\n");
        String tok = FIXTURES.resolve("trained.json").toString(), a = paths.get(0).toString(), missing = dir.resolve("missing").toString(), o = out.toString();
        Map<List<String>, String> bad = Map.of(
                List.of("--task", "tokens", "--data", a, a, "--out", o), "--task tokens reads one token file, not 2 paths",
                List.of("--task", "text", "--data", a, "--data", paths.get(1).toString(), "--out", o), "--task text without --tokenizer reads one text file, not 2 paths",
                List.of("--task", "text", "--tokenizer", tok, "--data", a, missing, "--out", o), "--data " + missing + ": no such file or directory",
                List.of("--task", "text", "--tokenizer", tok, "--data", a, csv.toString(), "--out", o), "--data " + csv + " would be overwritten by the run's output");
        for (var c : bad.entrySet()) {
            CliRun r = train(c.getKey().toArray(String[]::new));
            assertEquals(2, r.code(), c.getKey() + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(c.getValue()), r.err());
        }
        assertFalse(Files.exists(out));
    }
}
