package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;

/**
 * Careless and hostile inputs, each run in-process: the exit code, exactly one line on standard error (a usage
 * error's ends with its help hint), no stack trace, and no file left in the working directory.
 */
class ErrorSweepTest {
    private static final String[] TINY = {"--layers", "1", "--d-model", "8", "--heads", "2", "--ctx", "10", "--batch", "4", "--threads", "1"};

    @TempDir
    Path dir;
    private Path model;
    private List<Path> before;

    @BeforeEach
    void tinyModel() throws IOException {
        model = dir.resolve("tiny.safetensors");
        new ModelFile(Weights.init(Config.of(1, 8, 2, 4, 10, 12), 1, 0.5), Optional.empty()).save(model);
        before = files();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static String[] train(String... args) {
        String[] all = new String[args.length + TINY.length + 1];
        all[0] = "train";
        System.arraycopy(TINY, 0, all, 1, TINY.length);
        System.arraycopy(args, 0, all, 1 + TINY.length, args.length);
        return all;
    }

    /** Runs {@code args}: exit {@code code}, standard error the one line {@code line} (a prefix when it ends in "…"), nothing new in {@code dir}. */
    private CliRun refused(int code, String line, String... args) throws IOException {
        CliRun r = CliRun.of(args);
        String cmd = String.join(" ", args);
        assertEquals(code, r.code(), cmd + ": " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), cmd + ": " + r.err());
        assertEquals(1, r.err().lines().count(), cmd + ": " + r.err());
        String got = r.err().strip();
        if (line.endsWith("…")) assertTrue(got.startsWith(line.substring(0, line.length() - 1)), cmd + ": " + got);
        else assertEquals(line, got, cmd);
        if (code == Main.USAGE) assertTrue(got.endsWith(" --help)"), got);
        assertEquals(before, files(), cmd + " left files behind");
        return r;
    }

    @Test
    void runsThatCannotFitInTheHeapAreRefusedBeforeAllocating() throws IOException {
        // 40 layers of [4, 4, 8192, 8192] patterns in each of two concurrent shards: ~350 GB
        CliRun r = refused(Main.FAILURE, "vecformer: error: this run needs ~…",
                "train", "--task", "induction", "--ctx", "8192", "--layers", "40", "--threads", "2", "--out", p("m.safetensors"));
        assertTrue(r.err().contains("the JVM may use ") && r.err().contains("VECFORMER_JAVA_OPTS=-Xmx"), r.err());
        refused(Main.USAGE, "vecformer: one buffer of this run (the attention patterns or logits of a shard) would hold 160,000,000,000 floats…",
                "train", "--task", "induction", "--ctx", "100000", "--out", p("m.safetensors"));
    }

    @Test
    void aSparseTokenFileWarnsThenIsRefusedForItsVocabulary() throws IOException {
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 2 3 20000000 ".repeat(40));
        before = files();
        // d_model 64: W_E and W_U alone are 2 x 1.28e9 floats, with gradients, moments and shard buffers ~120 GB
        CliRun r = CliRun.of("train", "--task", "tokens", "--data", ids.toString(), "--ctx", "4", "--out", p("m.safetensors"));
        assertEquals(Main.FAILURE, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(List.of("vecformer: warning: the largest token id is 20,000,000 but only 4 distinct ids occur; d_vocab 20,000,001 gives W_E"
                + " and W_U 19,999,997 unused rows (renumber the ids from 0)"), lines.subList(0, 1));
        assertTrue(lines.size() == 2 && lines.get(1).startsWith("vecformer: error: this run needs ~"), r.err());
        assertEquals(before, files());
    }

    @Test
    void unwritableOutputsNameTheUsersPath() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && Files.isDirectory(Path.of("/sys/kernel")), "needs Linux /proc and /sys");
        refused(Main.FAILURE, "vecformer: error: cannot write /proc/m.safetensors: the directory /proc does not accept new files",
                train("--task", "induction", "--out", "/proc/m.safetensors"));
        refused(Main.FAILURE, "vecformer: error: cannot write /sys/m.safetensors: permission denied",
                train("--task", "induction", "--out", "/sys/m.safetensors"));
        refused(Main.FAILURE, "vecformer: error: cannot write /proc/demo: the directory /proc does not accept new files",
                "demo", "--out", "/proc/demo");
        refused(Main.FAILURE, "vecformer: error: cannot write /sys/x.html: permission denied",
                "attention", "--model", model.toString(), "--tokens", "1 2", "--html", "/sys/x.html");
    }

    @Test
    void outputsAreCheckedBeforeAnyWork() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("adir"));
        Path file = Files.writeString(dir.resolve("afile"), "x");
        before = files();
        refused(Main.USAGE, "vecformer: --out " + sub + " is a directory; give a file name (vecformer train --help)",
                train("--task", "induction", "--steps", "2", "--out", sub.toString()));
        refused(Main.USAGE, "vecformer: --out " + p("nodir/m.safetensors") + ": directory " + p("nodir") + " does not exist (vecformer train --help)",
                train("--task", "induction", "--out", p("nodir/m.safetensors")));
        refused(Main.USAGE, "vecformer: --html " + p("nodir/x.html") + ": directory " + p("nodir") + " does not exist (vecformer attention --help)",
                "attention", "--model", model.toString(), "--tokens", "1 2", "--html", p("nodir/x.html"));
        refused(Main.USAGE, "vecformer: --png " + p("nodir/png") + ": directory " + p("nodir") + " does not exist (vecformer attention --help)",
                "attention", "--model", model.toString(), "--tokens", "1 2", "--png", p("nodir/png"));
        refused(Main.USAGE, "vecformer: --png " + file + " is a file; give a directory (vecformer circuits --help)",
                "circuits", "--model", model.toString(), "--png", file.toString());
        refused(Main.USAGE, "vecformer: --html " + sub + " is a directory; give a file name (vecformer circuits --help)",
                "circuits", "--model", model.toString(), "--html", sub.toString());
        refused(Main.USAGE, "vecformer: --out " + file + " is a file; give a directory (vecformer demo --help)", "demo", "--out", file.toString());
        refused(Main.USAGE, "vecformer: --out " + sub + " is a directory; give a file name (vecformer data bigram --help)",
                "data", "bigram", "--out", sub.toString());
        refused(Main.USAGE, "vecformer: --trace " + p("nodir/t.safetensors") + ": directory " + p("nodir") + " does not exist (vecformer train --help)",
                train("--task", "induction", "--trace", p("nodir/t.safetensors"), "--out", p("m.safetensors")));
        Path text = Files.writeString(dir.resolve("t.txt"), "abc ".repeat(100));
        before = files();
        refused(Main.USAGE, "vecformer: --data " + text + " would be overwritten by the run's output …",
                train("--task", "text", "--data", text.toString(), "--out", text.toString()));
        // a --png DIR that does not exist yet is created (its parent exists), as demo creates its --out
        CliRun made = CliRun.of("attention", "--model", model.toString(), "--tokens", "1 2", "--png", p("png"));
        assertEquals(0, made.code(), made.err());
        assertTrue(Files.isRegularFile(dir.resolve("png/L0H0.png")));
    }

    @Test
    void resumingToAStepAlreadyReachedIsRefused() throws IOException {
        Path m = dir.resolve("m.safetensors"), ckpt = dir.resolve("m.ckpt.safetensors");
        assertEquals(0, CliRun.of(train("--task", "induction", "--vocab", "12", "--steps", "4", "--out", m.toString())).code());
        byte[] trained = Files.readAllBytes(m);
        before = files();
        refused(Main.USAGE, "vecformer: the checkpoint is at step 4; --steps 2 would train nothing: give --steps > 4 (vecformer train --help)",
                "train", "--resume", ckpt.toString(), "--steps", "2", "--out", m.toString());
        refused(Main.USAGE, "vecformer: the checkpoint " + ckpt + " is at step 4, the end of its run: give --steps > 4 to train further (vecformer train --help)",
                "train", "--resume", ckpt.toString(), "--out", m.toString());
        assertArrayEquals(trained, Files.readAllBytes(m), "the model is not rewritten");
    }

    @Test
    void aDivergingRunStopsWithoutAModel() throws IOException {
        Path m = dir.resolve("d.safetensors");
        CliRun r = CliRun.of(train("--task", "induction", "--vocab", "12", "--lr", "1e30", "--steps", "20", "--out", m.toString()));
        assertEquals(Main.FAILURE, r.code(), r.err());
        assertTrue(r.err().startsWith("vecformer: error: training diverged at step ") && r.err().lines().count() == 1, r.err());
        assertFalse(Files.exists(m));
        assertEquals(Files.exists(dir.resolve("d.ckpt.safetensors")), Files.exists(dir.resolve("d.loss.csv")),
                "a loss curve stays only beside a checkpoint to resume from");
    }

    @Test
    void optionValuesHaveOneMeaningAndSaneBounds() throws IOException {
        int max = 4 * Runtime.getRuntime().availableProcessors();
        refused(Main.USAGE, "vecformer: --threads 10000 is more than 4 x the " + Runtime.getRuntime().availableProcessors()
                + " available processors; give at most " + max + " (vecformer info --help)", "info", "--threads", "10000");
        assertEquals(0, CliRun.of("info", "--threads", Integer.toString(max)).code());
        refused(Main.USAGE, "vecformer: --top-k must be >= 1, not 0 (leave it out to draw from every token) (vecformer generate --help)",
                "generate", "--model", model.toString(), "--prompt", "1", "--top-k", "0");
        refused(Main.USAGE, "vecformer: --top-k must be >= 1, not 0 (vecformer run --help)", "run", "--model", model.toString(), "--tokens", "1", "--top-k", "0");
    }

    @Test
    void misspeltOptionsAreNamedWithTheNearestOne() throws IOException {
        refused(Main.USAGE, "vecformer: unknown option --modle; did you mean --model? (vecformer run --help)", "run", "--modle", model.toString());
        refused(Main.USAGE, "vecformer: unknown option --modle; did you mean --model? (vecformer run --help)",
                "run", "--tokens", "1", "--modle=" + model);
        refused(Main.USAGE, "vecformer: unknown option --stesp; did you mean --steps? (vecformer train --help)",
                "train", "--task", "induction", "--stesp", "3", "--out", p("m.safetensors"));
        refused(Main.USAGE, "vecformer: unexpected argument 'extra' (vecformer run --help)", "run", "--model", model.toString(), "--tokens", "1", "extra");
        refused(Main.USAGE, "vecformer: Missing required parameter for option '--top-k' (K) (vecformer run --help)",
                "run", "--model", model.toString(), "--tokens", "1", "--top-k");
    }

    @Test
    void nonFiniteWeightsAreNamedOnLoad() throws IOException {
        Weights w = Weights.init(Config.of(1, 8, 2, 4, 10, 12), 1, 0.5);
        w.blocks().getFirst().wQ().data()[(8 + 3) * 4 + 2] = Float.NaN;
        Path nan = dir.resolve("nan.safetensors");
        new ModelFile(w, Optional.empty()).save(nan);
        before = files();
        refused(Main.FAILURE, "vecformer: error: model file " + nan + ": tensor blocks.0.attn.W_Q holds NaN at [1, 3, 2]",
                "run", "--model", nan.toString(), "--tokens", "1 2");
    }

    @Test
    void outOfMemoryAnywhereIsOneLine() throws IOException {
        // bench decode builds a random model: W_E and W_U of 2,000,000 x 1,070 floats are 8.6 GB each
        assumeTrue(Runtime.getRuntime().maxMemory() < 16_000_000_000L, "the test JVM's heap would hold this model; it needs a heap below 16 GB");
        refused(Main.FAILURE, "vecformer: error: out of memory: the JVM may use …",
                "bench", "decode", "--vocab", "2000000", "--d-model", "1070", "--heads", "1", "--d-head", "8", "--layers", "0", "--threads", "1");
    }
}
