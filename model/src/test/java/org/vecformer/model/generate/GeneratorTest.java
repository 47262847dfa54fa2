package org.vecformer.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

class GeneratorTest {
    private static final Config C = Config.of(2, 16, 2, 8, 12, 9);
    private static final Transformer MODEL = new Transformer(Weights.init(C, 7, 0.5));
    private static final int[] PROMPT = {1, 4, 2};

    @Test
    void greedyFollowsTheArgmaxOfFullForwardsAndStreamsEveryToken() {
        List<Integer> streamed = new ArrayList<>();
        Generation g = Generator.generate(MODEL, PROMPT, 6, new Sampler(SamplingOptions.greedy()), streamed::add);
        assertEquals(Generation.Stop.MAX_TOKENS, g.stop());
        assertEquals(6, g.tokens().length);
        assertEquals(Arrays.stream(g.tokens()).boxed().toList(), streamed);
        int[] seq = PROMPT;
        for (int next : g.tokens()) {
            Tensor logits = MODEL.forward(seq).slice(0).slice(seq.length - 1);
            int best = 0;
            for (int v = 1; v < C.dVocab(); v++) if (logits.get(v) > logits.get(best)) best = v;
            assertEquals(best, next);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        assertArrayEquals(g.tokens(), Generator.generate(MODEL, PROMPT, 6, new Sampler(SamplingOptions.greedy()), t -> {}).tokens());
    }

    @Test
    void theSameSeedDrawsTheSameTokensAndOtherSeedsDiffer() {
        int[] a = sample(new SamplingOptions(2.0, 0, 1, 42));
        assertArrayEquals(a, sample(new SamplingOptions(2.0, 0, 1, 42)));
        boolean differs = false;
        for (long seed = 1; seed <= 5 && !differs; seed++) differs = !Arrays.equals(a, sample(new SamplingOptions(2.0, 0, 1, seed)));
        assertTrue(differs, "five other seeds all drew the same 9 tokens at temperature 2");
    }

    private static int[] sample(SamplingOptions o) {
        return Generator.generate(MODEL, PROMPT, 9, new Sampler(o), t -> {}).tokens();
    }

    @Test
    void generationStopsWithAMessageWhenTheContextIsFull() {
        Generation g = Generator.generate(MODEL, PROMPT, 50, new Sampler(SamplingOptions.greedy()), t -> {});
        assertEquals(Generation.Stop.CONTEXT_FULL, g.stop());
        assertEquals(C.nCtx() - PROMPT.length, g.tokens().length);
        assertEquals("stopped after 9 tokens: the context is full (n_ctx = 12)", g.message());
        Generation exact = Generator.generate(MODEL, PROMPT, 9, new Sampler(SamplingOptions.greedy()), t -> {});
        assertEquals(Generation.Stop.MAX_TOKENS, exact.stop());
    }

    @Test
    void overLongPromptsAndBadIdsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(MODEL, new int[13], 1, new Sampler(SamplingOptions.greedy()), t -> {}));
        assertEquals("prompt has 13 tokens but the model's context is n_ctx = 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(MODEL, new int[] {3, 9}, 1, new Sampler(SamplingOptions.greedy()), t -> {}));
        assertEquals("token id 9 at position 1 is outside the vocabulary [0, 9)", e.getMessage());
    }

    /** p = [0.05, 0.4, 0.1, 0.3, 0.15] as logits (log p + 2). */
    private static final double[] P = {0.05, 0.4, 0.1, 0.3, 0.15};

    private static float[] logits() {
        float[] l = new float[P.length];
        for (int i = 0; i < P.length; i++) l[i] = (float) (Math.log(P[i]) + 2);
        return l;
    }

    @Test
    void temperatureOneReproducesTheDistribution() {
        double[] d = new Sampler(new SamplingOptions(1, 0, 1, 0)).distribution(logits(), 0, P.length);
        for (int i = 0; i < P.length; i++) assertEquals(P[i], d[i], 1e-6);
    }

    @Test
    void topKKeepsTheKMostLikelyRenormalised() {
        double[] d = new Sampler(new SamplingOptions(1, 2, 1, 0)).distribution(logits(), 0, P.length);
        assertArrayEquals(new double[] {0, 0.4 / 0.7, 0, 0.3 / 0.7, 0}, d, 1e-6);
        assertSupport(new SamplingOptions(1, 2, 1, 3), 1, 3);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        double[] d = new Sampler(new SamplingOptions(1, 0, 0.65, 0)).distribution(logits(), 0, P.length);
        assertArrayEquals(new double[] {0, 0.4 / 0.7, 0, 0.3 / 0.7, 0}, d, 1e-6);
        double[] d3 = new Sampler(new SamplingOptions(1, 0, 0.75, 0)).distribution(logits(), 0, P.length);
        assertArrayEquals(new double[] {0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85}, d3, 1e-6);
        double[] one = new Sampler(new SamplingOptions(1, 0, 0.1, 0)).distribution(logits(), 0, P.length);
        assertArrayEquals(new double[] {0, 1, 0, 0, 0}, one, 1e-12);
        assertSupport(new SamplingOptions(1, 0, 0.75, 5), 1, 3, 4);
    }

    /** 4000 draws land only on {@code support}, each about as often as its renormalised probability. */
    private static void assertSupport(SamplingOptions o, int... support) {
        Sampler s = new Sampler(o);
        double[] want = s.distribution(logits(), 0, P.length);
        int[] counts = new int[P.length];
        for (int i = 0; i < 4000; i++) counts[s.sample(logits(), 0, P.length)]++;
        for (int v = 0; v < P.length; v++) {
            int token = v;
            boolean in = Arrays.stream(support).anyMatch(x -> x == token);
            if (!in) assertEquals(0, counts[v], "token " + v + " is outside the support");
            else assertEquals(want[v], counts[v] / 4000.0, 0.03, "frequency of token " + v);
        }
    }

    @Test
    void greedyIsOneHotAtTheArgmaxAndLowTemperatureApproachesIt() {
        assertArrayEquals(new double[] {0, 1, 0, 0, 0}, new Sampler(SamplingOptions.greedy()).distribution(logits(), 0, P.length));
        double[] cold = new Sampler(new SamplingOptions(0.05, 0, 1, 0)).distribution(logits(), 0, P.length);
        assertTrue(cold[1] > 0.99, Arrays.toString(cold));
        assertFalse(cold[3] > 0.01);
    }

    @Test
    void topKListsTheMostLikelyTokensWithSoftmaxProbabilities() {
        List<TopK> top = TopK.of(logits(), 0, P.length, 3);
        assertEquals(List.of(1, 3, 4), top.stream().map(TopK::token).toList());
        assertEquals(0.4, top.get(0).probability(), 1e-6);
        assertEquals(0.15, top.get(2).probability(), 1e-6);
        assertEquals(P.length, TopK.of(logits(), 0, P.length, 99).size());
    }

    @Test
    void badOptionsAreRejected() {
        assertEquals("temperature must be >= 0 (0 = greedy), not -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-1, 0, 1, 0)).getMessage());
        assertEquals("top-k must be >= 0 (0 = no limit), not -2",
                assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, -2, 1, 0)).getMessage());
        assertEquals("top-p must be in (0, 1], not 0.0",
                assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 0, 0, 0)).getMessage());
    }
}
