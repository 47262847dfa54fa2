package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;

/**
 * Every parameter's gradient from {@link Backward} against central finite differences of the mean loss computed
 * in double by the independent {@link PlainModel}: {@code (L(p + h) − L(p − h)) / (2h)} per element, with the
 * float values actually stored for p ± h.
 */
class BackwardTest {
    static Stream<Arguments> variants() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (int layers = 0; layers <= 2; layers++) {
            for (Normalization n : Normalization.values()) {
                for (PositionalEmbedding p : PositionalEmbedding.values()) {
                    for (boolean biases : new boolean[] {true, false}) s.add(Arguments.of(layers, n, p, biases));
                }
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0} layers, {1}, {2}, biases {3}")
    @MethodSource("variants")
    void everyGradientMatchesFiniteDifferences(int layers, Normalization norm, PositionalEmbedding pos, boolean biases) {
        Config c = TestModels.config(layers, norm, pos, biases);
        Weights w = TestModels.random(c, 40 + layers);
        int batch = 2, t = 5, rows = batch * t;
        int[] inputs = flat(TestModels.tokens(c, batch, t, 7)), targets = flat(TestModels.tokens(c, batch, t, 8));
        Map<String, Tensor> grads = Backward.zeroGradients(w);
        double loss = Backward.lossAndGradients(w, inputs, targets, batch, t, 1f / rows, grads);
        assertEquals(plainLoss(w, inputs, targets, batch, t), loss / rows, 1e-5, "loss");
        for (var e : w.stateDict().entrySet()) {
            float[] p = e.getValue().data(), g = grads.get(e.getKey()).data();
            double worst = 0, scale = 1e-3;
            double[] fd = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                float keep = p[i];
                float hi = (float) (keep + 1e-3), lo = (float) (keep - 1e-3);
                p[i] = hi;
                double up = plainLoss(w, inputs, targets, batch, t);
                p[i] = lo;
                double down = plainLoss(w, inputs, targets, batch, t);
                p[i] = keep;
                fd[i] = (up - down) / ((double) hi - lo);
                scale = Math.max(scale, Math.abs(fd[i]));
            }
            for (int i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(g[i] - fd[i]));
            assertTrue(worst <= 2e-3 * scale, e.getKey() + ": max |analytic − numeric| = " + worst + " for gradients up to " + scale);
        }
    }

    @Test
    void gradientsHaveTheSameBitsForOneTwoAndThreeThreads() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.SHORTFORMER, true);
        Weights w = TestModels.random(c, 3);
        int[] inputs = flat(TestModels.tokens(c, 3, 7, 1)), targets = flat(TestModels.tokens(c, 3, 7, 2));
        int before = Parallel.threads();
        try {
            float[][] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                Map<String, Tensor> g = Backward.zeroGradients(w);
                Backward.lossAndGradients(w, inputs, targets, 3, 7, 1f / 21, g);
                float[][] all = g.values().stream().map(Tensor::data).toArray(float[][]::new);
                if (first == null) first = all;
                else for (int i = 0; i < all.length; i++) assertArrayEquals(first[i], all[i], threads + " threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void gradientsAccumulateOverCalls() {
        Config c = TestModels.config(1, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 5);
        int[] a = flat(TestModels.tokens(c, 1, 6, 1)), at = flat(TestModels.tokens(c, 1, 6, 2));
        Map<String, Tensor> once = Backward.zeroGradients(w), twice = Backward.zeroGradients(w);
        Backward.lossAndGradients(w, a, at, 1, 6, 1f, once);
        Backward.lossAndGradients(w, a, at, 1, 6, 0.5f, twice);
        Backward.lossAndGradients(w, a, at, 1, 6, 0.5f, twice);
        for (String name : once.keySet()) {
            float[] x = once.get(name).data(), y = twice.get(name).data();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-6 * (1 + Math.abs(x[i])), name);
        }
    }

    /** Mean over rows of −log softmax(logits)[target], in double through {@link PlainModel}. */
    private static double plainLoss(Weights w, int[] inputs, int[] targets, int batch, int t) {
        PlainModel m = new PlainModel(w);
        int vocab = w.config().dVocab();
        double total = 0;
        for (int b = 0; b < batch; b++) {
            int[] seq = new int[t];
            System.arraycopy(inputs, b * t, seq, 0, t);
            double[] logits = m.run(seq, (name, act) -> {}).get("logits");
            for (int i = 0; i < t; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int u = 0; u < vocab; u++) max = Math.max(max, logits[i * vocab + u]);
                for (int u = 0; u < vocab; u++) sum += Math.exp(logits[i * vocab + u] - max);
                total += max + Math.log(sum) - logits[i * vocab + targets[b * t + i]];
            }
        }
        return total / (batch * t);
    }

    private static int[] flat(int[][] tok) {
        int t = tok[0].length;
        int[] out = new int[tok.length * t];
        for (int b = 0; b < tok.length; b++) System.arraycopy(tok[b], 0, out, b * t, t);
        return out;
    }

}
