package org.vecformer.model.tl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/**
 * TransformerLens' processing keeps every log-prob (0–3 layers × LN/LNPre/none × standard/shortformer × with and
 * without biases) and leaves the weights in the form it promises (zero means, zero value biases).
 */
class TlProcessingTest {
    static Stream<Config> configs() {
        List<Config> all = new ArrayList<>();
        for (int layers = 0; layers <= 3; layers++) {
            for (Normalization n : Normalization.values()) {
                for (PositionalEmbedding p : PositionalEmbedding.values()) {
                    for (boolean biases : new boolean[] {true, false}) all.add(new Config(layers, 12, 3, 4, 9, 13, n, p, 1e-5, biases));
                }
            }
        }
        return all.stream();
    }

    /** Matrices N(0, 0.5²), biases N(0, 0.2²), layer-norm weights 1 + N(0, 0.3²): every processing step has work to do. */
    private static Weights random(Config c, long seed) {
        Weights w = Weights.init(c, seed, 0.5);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7e1);
        w.stateDict().forEach((name, t) -> {
            float[] d = t.data();
            if (Weights.isBias(name)) for (int i = 0; i < d.length; i++) d[i] = (float) (0.2 * rnd.nextGaussian());
            else if (name.endsWith(".w")) for (int i = 0; i < d.length; i++) d[i] = (float) (1 + 0.3 * rnd.nextGaussian());
        });
        return w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void logProbsAreUnchanged(Config c) {
        Weights w = random(c, 31 + c.nLayers());
        int[] tokens = {4, 0, 12, 7, 7, 3, 9, 1, 5};
        double[][] want = TlFixtures.logProbs(TlFixtures.rows(new Transformer(w).forward(tokens)));
        TlProcessing.Result r = TlProcessing.process(w);
        double[][] got = TlFixtures.logProbs(TlFixtures.rows(new Transformer(r.weights()).forward(tokens)));
        double error = TlFixtures.relativeError(got, want);
        assertTrue(error < 1e-5, c + ": log-probs moved by " + error + " relative");
    }

    @Test
    void processedWeightsHaveTheFormTransformerLensPromises() {
        Config c = new Config(2, 12, 3, 4, 9, 13, Normalization.LN, PositionalEmbedding.STANDARD, 1e-5, true);
        Weights p = TlProcessing.process(random(c, 5)).weights();
        assertEquals(Normalization.LN_PRE, p.config().normalization());
        assertRowMeansZero(p.wE(), "W_E");
        assertRowMeansZero(p.wPos(), "W_pos");
        assertRowMeansZero(p.wU(), "W_U over the vocabulary");
        assertRowMeansZero(p.bU(), "b_U");
        for (int l = 0; l < 2; l++) {
            assertRowMeansZero(p.blocks().get(l).wO(), "W_O");
            assertRowMeansZero(p.blocks().get(l).bO(), "b_O");
            for (float v : p.blocks().get(l).bV().data()) assertEquals(0f, v, "b_V folded into b_O");
            Tensor wQ = p.blocks().get(l).wQ();
            for (int h = 0; h < 3; h++) {
                for (int e = 0; e < 4; e++) {
                    double sum = 0;
                    for (int i = 0; i < 12; i++) sum += wQ.get(h, i, e);
                    assertEquals(0, sum / 12, 1e-6, "W_Q centred over d_model");
                }
            }
        }
    }

    private static void assertRowMeansZero(Tensor t, String what) {
        int n = t.dim(t.rank() - 1);
        float[] d = t.data();
        for (int r = 0; r < d.length / n; r++) {
            double sum = 0;
            for (int j = 0; j < n; j++) sum += d[r * n + j];
            assertEquals(0, sum / n, 1e-6, what + " row " + r);
        }
    }
}
