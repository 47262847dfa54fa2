package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.BigramTask;
import org.vecformer.model.data.InductionTask;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

class TrainerTest {
    @TempDir
    Path dir;

    private static final Config TINY = Config.of(2, 16, 2, 8, 12, 10);

    private static Trainer tiny(TrainConfig tc) {
        InductionTask data = new InductionTask(10, 12, 2, 5, 3);
        return new Trainer(Weights.init(TINY, 4), tc, data, data.heldOut().next(8));
    }

    private static TrainConfig tinyConfig(int steps) {
        return new TrainConfig(steps, 8, 2, 1e-2, 2, 1e-3, 0.01, 0.5, 3, 8, 0.02, 5);
    }

    @Test
    void throughputRunKeepsItsLearningRateNeverEvaluatesAndStaysNearTheUniformLoss() {
        Trainer t = Trainer.forThroughput(TINY, 4, 2e-3, 3);
        for (int i = 1; i <= 12; i++) {
            Trainer.Progress p = t.step();
            assertEquals(i, p.step());
            assertEquals(2e-3, p.lr());
            assertTrue(Double.isNaN(p.heldOutLoss()), "step " + i + " evaluated");
            // uniform random targets: no model beats ln d_vocab, and a small init starts close to it
            assertTrue(p.trainLoss() > Math.log(10) - 0.3 && p.trainLoss() < Math.log(10) + 0.3, "loss " + p.trainLoss());
        }
    }

    @Test
    void resumingFromACheckpointGivesTheBitsOfAnUninterruptedRun() throws IOException {
        Trainer straight = tiny(tinyConfig(10));
        while (!straight.done()) straight.step();

        Trainer first = tiny(tinyConfig(10));
        for (int i = 0; i < 6; i++) first.step();
        Path file = dir.resolve("run.ckpt.safetensors");
        first.checkpoint(Map.of("task", "test")).save(file);
        Checkpoint ck = Checkpoint.load(file);
        assertEquals(6, ck.step());
        assertEquals("test", ck.metadata().get("task"));
        assertEquals(tinyConfig(10), ck.train());
        InductionTask data = new InductionTask(10, 12, 2, 5, 3);
        Trainer resumed = Trainer.resume(ck, ck.train(), data, data.heldOut().next(8));
        while (!resumed.done()) resumed.step();
        assertEquals(10, resumed.stepsDone());
        assertSameBits(straight.weights(), resumed.weights());
    }

    @Test
    void oneTwoAndThreeThreadsTrainTheSameBits() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Trainer one = tiny(tinyConfig(5));
            while (!one.done()) one.step();
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                Trainer other = tiny(tinyConfig(5));
                while (!other.done()) other.step();
                assertSameBits(one.weights(), other.weights());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void theLossCurveKeepsOnlyRowsUpToTheCheckpointOnResume() throws IOException {
        Path csv = dir.resolve("m.loss.csv");
        Trainer t = tiny(tinyConfig(6));
        try (LossCurve curve = LossCurve.create(csv)) {
            while (!t.done()) curve.add(t.step());
        }
        List<String> rows = Files.readAllLines(csv);
        assertEquals(LossCurve.HEADER, rows.getFirst());
        assertEquals(7, rows.size());
        assertTrue(rows.get(3).matches("3,[0-9.]+,[0-9.]+,[0-9.e-]+,[0-9.]+"), rows.get(3));
        assertTrue(rows.get(1).matches("1,[0-9.]+,,.*"), rows.get(1));
        try (LossCurve curve = LossCurve.resume(csv, 4)) {
            assertEquals(rows.subList(0, 5), Files.readAllLines(csv));
        }
    }

    /** A zero-layer model (shortformer, so logits depend on the current token only) learns the bigram chain. */
    @Test
    void zeroLayerModelRecoversTheBigramChain() {
        int v = 8;
        Config c = Config.of(0, 16, 1, 4, 16, v).withPositionalEmbedding(PositionalEmbedding.SHORTFORMER);
        BigramTask task = BigramTask.random(v, 16, 0.7, 2);
        Trainer t = new Trainer(Weights.init(c, 1), new TrainConfig(150, 16, 1, 3e-2, 10, 1e-3, 0, 1.0, 50, 16, 0.02, 1), task,
                task.heldOut().next(16));
        double before = task.chain().meanKl(table(t.weights()));
        while (!t.done()) t.step();
        double after = task.chain().meanKl(table(t.weights()));
        assertTrue(after < 0.02 && after < before / 10, "mean KL " + before + " -> " + after);
    }

    /**
     * With the same small budget, two layers start to use induction and one cannot: the loss on the predictable
     * (repeated) positions of held-out induction data drops well below the one-layer model's.
     */
    @Test
    void twoLayersBeatOneOnInductionAfterASmallBudget() {
        double one = predictableLoss(1), two = predictableLoss(2);
        assertTrue(two < 0.3 && two < one - 0.4, "predictable-position loss: 1 layer " + one + ", 2 layers " + two);
    }

    private static double predictableLoss(int layers) {
        int ctx = 16, v = 8;
        Config c = Config.of(layers, 32, 2, 16, ctx, v);
        InductionTask task = new InductionTask(v, ctx, 3, 5, 7);
        Trainer t = new Trainer(Weights.init(c, 3), new TrainConfig(250, 16, 1, 1e-2, 25, 1e-3, 0.01, 1.0, 1000, 16, 0.02, 1), task,
                task.heldOut().next(16));
        while (!t.done()) t.step();
        var eval = task.heldOut().next(64);
        Tensor logits = new Transformer(t.weights()).forward(rows(eval.inputs(), 64, ctx));
        double sum = 0;
        int n = 0;
        for (int b = 0; b < 64; b++) {
            for (int i = 0; i < ctx; i++) {
                if (!eval.predictable()[b * ctx + i]) continue;
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int u = 0; u < v; u++) max = Math.max(max, logits.get(b, i, u));
                for (int u = 0; u < v; u++) z += Math.exp(logits.get(b, i, u) - max);
                sum += max + Math.log(z) - logits.get(b, i, eval.token(b, i + 1));
                n++;
            }
        }
        return sum / n;
    }

    private static int[][] rows(int[] tokens, int size, int len) {
        int[][] out = new int[size][len];
        for (int b = 0; b < size; b++) System.arraycopy(tokens, b * len, out[b], 0, len);
        return out;
    }

    /** Next-token probabilities after each token a [V, V], from one-token sequences. */
    private static float[] table(Weights w) {
        int v = w.config().dVocab();
        float[] p = new float[v * v];
        Transformer m = new Transformer(w);
        for (int a = 0; a < v; a++) {
            float[] logits = m.forward(new int[] {a}).copy().data();
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float x : logits) max = Math.max(max, x);
            for (float x : logits) sum += Math.exp(x - max);
            for (int b = 0; b < v; b++) p[a * v + b] = (float) (Math.exp(logits[b] - max) / sum);
        }
        return p;
    }

    private static void assertSameBits(Weights a, Weights b) {
        for (var e : a.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), b.stateDict().get(e.getKey()).data(), e.getKey());
    }
}
