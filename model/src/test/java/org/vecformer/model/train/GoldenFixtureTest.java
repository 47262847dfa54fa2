package org.vecformer.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.Batch;
import org.vecformer.model.data.BatchSource;
import org.vecformer.model.transformer.Backward;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * Holds the forward, the hand-written backward and the training loop to golden numbers from an independent
 * implementation: PyTorch autograd and {@code torch.optim.AdamW} in float64, written by
 * {@code src/test/resources/golden/make_golden.py} (how to regenerate it is at its top). One file per variant of
 * normalization and positional embedding; each holds random initial weights, a batch with its logits, loss and the
 * gradient of every parameter, and ten AdamW steps (warm-up + cosine learning rate, global-norm clipping, weight
 * decay on the matrices) with the loss of each.
 */
class GoldenFixtureTest {
    /** The Java side computes in float32; these bounds are a few hundred float32 ulps of the values compared. */
    private static final double LOGIT_TOL = 1e-4, GRAD_REL = 2e-3, LOSS_TOL = 2e-5;

    record Golden(Config config, Map<String, Object> train, Map<String, Tensor> tensors) {
        Tensor get(String name) {
            Tensor t = tensors.get(name);
            if (t == null) throw new AssertionError("golden file has no tensor " + name);
            return t;
        }

        Weights initialWeights() {
            Map<String, Tensor> dict = new LinkedHashMap<>();
            tensors.forEach((name, t) -> {
                if (name.startsWith("param.")) dict.put(name.substring("param.".length()), t);
            });
            return Weights.fromStateDict(config, dict);
        }

        double number(String key) {
            return ((Number) train.get(key)).doubleValue();
        }
    }

    static Golden load(String variant) throws IOException, URISyntaxException {
        Path path = Path.of(GoldenFixtureTest.class.getResource("/golden/golden-" + variant + ".safetensors").toURI());
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) tensors.put(name, file.tensor(name));
            return new Golden(Config.fromJson(file.metadata().get("config")), JSON.std.mapFrom(file.metadata().get("train")), tensors);
        }
    }

    /** Rows of ids stored as floats: [rows, n] from a tensor whose last axis has n entries. */
    static int[][] ids(Tensor t, int first, int rows) {
        int n = t.shape()[t.shape().length - 1];
        int[][] out = new int[rows][n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) out[r][i] = (int) t.data()[t.offset() + (first + r) * n + i];
        }
        return out;
    }

    static int[] flat(int[][] rows, int from, int to) {
        int n = to - from;
        int[] out = new int[rows.length * n];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], from, out, r * n, n);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ln-standard", "lnpre-shortformer", "none-standard", "ln-shortformer"})
    void logitsAndLossMatchPyTorch(String variant) throws Exception {
        Golden g = load(variant);
        int[][] batch = ids(g.get("tokens"), 0, g.get("tokens").shape()[0]);
        int t = batch[0].length - 1;
        int[][] inputs = new int[batch.length][];
        for (int b = 0; b < batch.length; b++) inputs[b] = java.util.Arrays.copyOf(batch[b], t);
        Tensor logits = new Transformer(g.initialWeights()).forward(inputs);
        float[] expected = g.get("logits").data();
        assertEquals(expected.length, logits.size());
        double scale = 0;
        for (float x : expected) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], logits.data()[logits.offset() + i], LOGIT_TOL * scale, variant + " logit " + i);
        }
        double loss = Backward.loss(g.initialWeights(), flat(batch, 0, t), flat(batch, 1, t + 1), batch.length, t) / (batch.length * t);
        assertEquals(g.get("loss").data()[0], loss, LOSS_TOL, variant + " loss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ln-standard", "lnpre-shortformer", "none-standard", "ln-shortformer"})
    void everyGradientMatchesPyTorch(String variant) throws Exception {
        Golden g = load(variant);
        Weights w = g.initialWeights();
        int[][] batch = ids(g.get("tokens"), 0, g.get("tokens").shape()[0]);
        int t = batch[0].length - 1;
        Map<String, Tensor> grads = Backward.zeroGradients(w);
        Backward.lossAndGradients(w, flat(batch, 0, t), flat(batch, 1, t + 1), batch.length, t, 1f / (batch.length * t), grads);
        double global = 0;
        for (String name : grads.keySet()) global = Math.max(global, maxAbs(g.get("grad." + name)));
        for (var e : grads.entrySet()) {
            Tensor expected = g.get("grad." + e.getKey()), actual = e.getValue();
            assertEquals(expected.size(), actual.size(), e.getKey());
            // Relative to the tensor's own scale, with a floor from the global scale: b_K's true gradient is 0
            // (softmax ignores a shift shared by all keys), so float32 leaves only rounding noise there.
            double tol = GRAD_REL * maxAbs(expected) + 1e-5 * global;
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.data()[expected.offset() + i], actual.data()[actual.offset() + i], tol,
                        variant + " d/d " + e.getKey() + " [" + i + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ln-standard", "lnpre-shortformer", "none-standard", "ln-shortformer"})
    void tenAdamWStepsFollowPyTorch(String variant) throws Exception {
        Golden g = load(variant);
        Tensor tokens = g.get("train.tokens");
        int steps = tokens.shape()[0], size = tokens.shape()[1], t = tokens.shape()[2] - 1;
        TrainConfig tc = new TrainConfig(steps, size, 1, g.number("lr"), (int) g.number("warmup"), g.number("min_lr"),
                g.number("weight_decay"), g.number("clip"), steps, size, Weights.DEFAULT_INIT_STD, 1);
        BatchSource fixed = new BatchSource() {
            private int next;

            @Override
            public int dVocab() {
                return g.config().dVocab();
            }

            @Override
            public int nCtx() {
                return t;
            }

            @Override
            public Batch next(int n) {
                return new Batch(n, t, flat(ids(tokens, size * next++, n), 0, t + 1), null);
            }
        };
        Trainer trainer = new Trainer(g.initialWeights(), tc, fixed, new Batch(size, t, flat(ids(tokens, 0, size), 0, t + 1), null));
        float[] lr = g.get("train.lr").data(), loss = g.get("train.loss").data();
        for (int s = 0; s < steps; s++) {
            Trainer.Progress p = trainer.step();
            assertEquals(lr[s], p.lr(), 1e-7 * lr[s], variant + " lr of step " + (s + 1));
            assertEquals(loss[s], p.trainLoss(), LOSS_TOL * 10, variant + " loss of step " + (s + 1));
        }
        assertTrue(loss[steps - 1] < loss[0] - 0.1, "the fixture's training must move the loss to test anything");
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.data()[t.offset() + i]));
        return m;
    }
}
