package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.cli.CliRun;
import org.vecformer.cli.Main;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.transformer.Backward;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;
import org.vecformer.model.train.Checkpoint;
import org.vecformer.model.train.TrainConfig;

class TrainCommandTest {
    @TempDir
    Path dir;

    private static final String[] TINY = {"--layers", "1", "--d-model", "8", "--heads", "2", "--ctx", "10", "--batch", "4", "--threads", "1"};

    private CliRun train(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void trainsWritesModelCurveAndCheckpointThenResumes() throws IOException {
        Path model = dir.resolve("m.safetensors");
        CliRun r = train(concat(TINY, "--task", "induction", "--vocab", "12", "--steps", "6", "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        Path csv = dir.resolve("m.loss.csv"), ckpt = dir.resolve("m.ckpt.safetensors");
        assertTrue(r.out().contains("wrote " + model.toAbsolutePath()) && r.out().contains(csv.toAbsolutePath().toString())
                && r.out().contains(ckpt.toAbsolutePath().toString()), r.out());
        assertTrue(r.out().contains("step 6/6"), r.out());
        ModelFile m = ModelFile.load(model);
        assertEquals(1, m.config().nLayers());
        assertEquals(12, m.config().dVocab());
        assertEquals(7, Files.readAllLines(csv).size());
        assertEquals(6, Checkpoint.load(ckpt).step());

        CliRun resumed = train("--resume", ckpt.toString(), "--steps", "9", "--out", model.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("steps 7..9"), resumed.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(10, rows.size());
        assertTrue(rows.get(9).startsWith("9,"), rows.get(9));
        assertEquals(9, Checkpoint.load(ckpt).step());
        assertEquals(m.config(), ModelFile.load(model).config());
    }

    /** --positional reaches the model: shortformer when asked, TransformerLens' standard by default. */
    @Test
    void positionalKindReachesTheModelFile() throws IOException {
        Path sf = dir.resolve("sf.safetensors"), std = dir.resolve("std.safetensors");
        CliRun r = train(concat(TINY, "--task", "induction", "--vocab", "12", "--steps", "2", "--positional", "shortformer", "--out", sf.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("shortformer", ModelFile.load(sf).config().positionalEmbedding().tlName());
        r = train(concat(TINY, "--task", "induction", "--vocab", "12", "--steps", "2", "--out", std.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("standard", ModelFile.load(std).config().positionalEmbedding().tlName());
    }

    @Test
    void warmupAccumulationAndInitStdReachTheRunAndItsCheckpoint() throws IOException {
        Path model = dir.resolve("h.safetensors");
        CliRun r = train(concat(TINY, "--task", "bigram", "--steps", "4", "--warmup", "3", "--accumulation", "2", "--init-std", "0",
                "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batch 4 (2 micro-batches of 2)") && r.out().contains("warm-up 3, init std 0.0"), r.out());
        TrainConfig tc = Checkpoint.load(dir.resolve("h.ckpt.safetensors")).train();
        assertEquals(3, tc.warmup());
        assertEquals(2, tc.accumulation());
        assertEquals(0.0, tc.initStd());
        // from all-zero matrices the logits are all equal, so step 1's loss is exactly ln d_vocab (16)
        String first = Files.readAllLines(dir.resolve("h.loss.csv")).get(1);
        assertEquals(Math.log(16), Double.parseDouble(first.split(",")[1]), 1e-5, first);
    }

    @Test
    void traceHoldsTheInitialWeightsAndEveryStepsTokensLossAndLr() throws IOException {
        Path model = dir.resolve("t.safetensors"), trace = dir.resolve("t.trace.safetensors");
        CliRun r = train(concat(TINY, "--task", "induction", "--vocab", "12", "--steps", "3", "--accumulation", "2", "--init-std", "0.3",
                "--trace", trace.toString(), "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile f = SafetensorsFile.open(trace)) {
            Config c = Config.fromJson(f.metadata().get(ModelFile.CONFIG_KEY));
            Weights init = Weights.init(c, 1, 0.3);
            for (var e : init.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), f.tensor(e.getKey()).data(), e.getKey());
            Tensor tokens = f.tensor(TrainTrace.TOKENS), loss = f.tensor(TrainTrace.LOSS), lr = f.tensor(TrainTrace.LR);
            assertArrayEquals(new int[] {3, 4, 11}, tokens.shape());
            List<String> csv = Files.readAllLines(dir.resolve("t.loss.csv"));
            for (int s = 0; s < 3; s++) {
                String[] row = csv.get(s + 1).split(",");
                assertEquals(Double.parseDouble(row[1]), loss.get(s), 2e-6);
                assertEquals(Double.parseDouble(row[3]), lr.get(s), 1e-5 * lr.get(s));
            }
            // step 1's loss is the mean next-token loss of the initial weights on step 1's tokens
            int[] inputs = new int[40], targets = new int[40];
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < 10; i++) {
                    inputs[b * 10 + i] = (int) tokens.data()[b * 11 + i];
                    targets[b * 10 + i] = (int) tokens.data()[b * 11 + i + 1];
                }
            }
            assertEquals(Backward.loss(init, inputs, targets, 4, 10) / 40, loss.get(0), 1e-5);
        }
        CliRun resumed = train("--resume", dir.resolve("t.ckpt.safetensors").toString(), "--trace", trace.toString(), "--out", model.toString());
        assertEquals(Main.USAGE, resumed.code(), resumed.out());
    }

    @Test
    void textTrainingStoresTheCharacterTokenizer() throws IOException {
        Path text = dir.resolve("t.txt"), model = dir.resolve("t.safetensors");
        Files.writeString(text, "the cat sat on the mat. ".repeat(20));
        CliRun r = train(concat(TINY, "--task", "text", "--data", text.toString(), "--steps", "2", "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        ModelFile m = ModelFile.load(model);
        assertTrue(m.storedTokenizer().orElseThrow() instanceof CharTokenizer);
        assertEquals("the cat sat on the mat. ".chars().distinct().count(), m.config().dVocab());
    }

    /**
     * "the cat sat on the mat. " counts: ' ' 6, 't' 5, 'a' 3, 'h' 2, 'e' 2, … ; --vocab 4 keeps ' ', 't', 'a' and
     * U+FFFD, so d_vocab is 4 and a prompt's other characters, seen ('h') or never seen ('Ω'), are the unknown id.
     */
    @Test
    void charTextWithAVocabCapMapsRareCharactersToTheUnknownIdInTrainingAndPrompts() throws IOException {
        Path text = dir.resolve("t.txt"), model = dir.resolve("t.safetensors");
        Files.writeString(text, "the cat sat on the mat. ".repeat(20));
        CliRun r = train(concat(TINY, "--task", "text", "--data", text.toString(), "--vocab", "4", "--steps", "2", "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        ModelFile m = ModelFile.load(model);
        assertEquals(4, m.config().dVocab());
        CharTokenizer tok = (CharTokenizer) m.storedTokenizer().orElseThrow();
        assertEquals(List.of(" ", "a", "t", CharTokenizer.UNKNOWN), tok.vocab());
        CliRun run = CliRun.of("run", "--model", model.toString(), "--prompt", "tahΩ", "--json", "--no-bos");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().replace(" ", "").contains("\"tokens\":[2,1,3,3]"), run.out());
        CliRun refused = train(concat(TINY, "--task", "text", "--data", text.toString(), "--vocab", "1", "--steps", "2", "--out", model.toString()));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("at least 2 tokens"), refused.err());
    }

    @Test
    void badFlagsExitTwoWithOneLine() throws IOException {
        Path out = dir.resolve("x.safetensors");
        Files.writeString(dir.resolve("ids.txt"), "1 2 3");
        List<String[]> bad = List.of(
                new String[] {"--task", "nope", "--out", out.toString()},
                new String[] {"--task", "induction", "--steps", "0", "--out", out.toString()},
                new String[] {"--task", "induction"},
                new String[] {"--task", "tokens", "--out", out.toString()},
                new String[] {"--task", "bigram", "--data", "ids.txt", "--out", out.toString()},
                new String[] {"--task", "induction", "--d-model", "10", "--heads", "4", "--out", out.toString()},
                new String[] {"--task", "induction", "--lr", "-1", "--out", out.toString()},
                new String[] {"--task", "induction", "--steps", "10", "--warmup", "11", "--out", out.toString()},
                new String[] {"--task", "induction", "--warmup", "-1", "--out", out.toString()},
                new String[] {"--task", "induction", "--batch", "6", "--accumulation", "4", "--out", out.toString()},
                new String[] {"--task", "induction", "--accumulation", "0", "--out", out.toString()},
                new String[] {"--task", "induction", "--init-std", "-0.1", "--out", out.toString()},
                new String[] {"--task", "induction", "--init-std", "NaN", "--out", out.toString()},
                new String[] {"--resume", out.toString(), "--warmup", "2", "--out", out.toString()},
                new String[] {"--resume", out.toString(), "--layers", "2", "--out", out.toString()},
                new String[] {"--resume", out.toString(), "--positional", "shortformer", "--out", out.toString()},
                new String[] {"--task", "induction", "--positional", "rotary", "--out", out.toString()},
                new String[] {"--steps", "3", "--out", out.toString()});
        for (String[] args : bad) {
            CliRun r = train(args);
            assertEquals(Main.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("vecformer: ") && r.err().lines().count() == 1, r.err());
            assertTrue(!Files.exists(out), String.join(" ", args));
        }
    }
}
