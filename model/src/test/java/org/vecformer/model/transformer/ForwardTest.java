package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;

class ForwardTest {
    private static final int BATCH = 2, T = 6;
    private static final PlainModel.Edit NO_EDIT = (name, a) -> {};

    private int savedThreads;

    @BeforeEach
    void saveThreads() {
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (int layers = 0; layers <= 3; layers++) {
            for (Normalization n : Normalization.values()) {
                for (PositionalEmbedding p : PositionalEmbedding.values()) {
                    for (boolean biases : new boolean[] {true, false}) all.add(Arguments.of(layers, n, p, biases));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} layers, {1}, {2}, biases {3}")
    @MethodSource("variants")
    void logitsAndLossEqualThePlainDoubleModel(int layers, Normalization n, PositionalEmbedding p, boolean biases) {
        Config c = TestModels.config(layers, n, p, biases);
        Weights w = TestModels.random(c, 31L * layers + n.ordinal() * 7 + p.ordinal() * 3 + (biases ? 1 : 0));
        int[][] tok = TestModels.tokens(c, BATCH, T, 5);
        Transformer model = new Transformer(w);
        Tensor logits = model.forward(tok);
        assertArrayEquals(new int[] {BATCH, T, c.dVocab()}, logits.shape());
        Tensor loss = Transformer.loss(logits, tok);
        assertArrayEquals(new int[] {BATCH, T - 1}, loss.shape());
        PlainModel plain = new PlainModel(w);
        for (int b = 0; b < BATCH; b++) {
            double[] expected = plain.run(tok[b], NO_EDIT).get("logits");
            assertClose(expected, logits.slice(b), "logits of sequence " + b);
            double[] expectedLoss = new double[T - 1];
            for (int i = 0; i < T - 1; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int u = 0; u < c.dVocab(); u++) max = Math.max(max, expected[i * c.dVocab() + u]);
                for (int u = 0; u < c.dVocab(); u++) sum += Math.exp(expected[i * c.dVocab() + u] - max);
                expectedLoss[i] = max + Math.log(sum) - expected[i * c.dVocab() + tok[b][i + 1]];
            }
            assertClose(expectedLoss, loss.slice(b), "loss of sequence " + b);
        }
    }

    @ParameterizedTest(name = "{0} layers, {1}, {2}, biases {3}")
    @MethodSource("variants")
    void everyCachedActivationEqualsThePlainModel(int layers, Normalization n, PositionalEmbedding p, boolean biases) {
        Config c = TestModels.config(layers, n, p, biases);
        Weights w = TestModels.random(c, 17 + layers);
        int[][] tok = TestModels.tokens(c, BATCH, T, 9);
        Run run = new Transformer(w).run(tok, Hooks.cachingAll());
        assertEquals(HookPoints.names(c), List.copyOf(run.cache().keySet()));
        PlainModel plain = new PlainModel(w);
        for (int b = 0; b < BATCH; b++) {
            Map<String, double[]> expected = plain.run(tok[b], NO_EDIT);
            for (String name : HookPoints.names(c)) assertClose(expected.get(name), run.cache().get(name).slice(b), name);
        }
    }

    @Test
    void lnWithUnitWeightAndZeroBiasIsExactlyLnPre() {
        Config ln = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(ln, 3);
        Map<String, Tensor> pre = new LinkedHashMap<>();
        w.stateDict().forEach((name, t) -> {
            if (name.endsWith(".w")) Arrays.fill(t.data(), 1f);
            else if (name.endsWith(".b")) Arrays.fill(t.data(), 0f);
            else pre.put(name, t);
        });
        Weights lnPre = Weights.fromStateDict(ln.withNormalization(Normalization.LN_PRE), pre);
        int[][] tok = TestModels.tokens(ln, BATCH, T, 1);
        assertArrayEquals(new Transformer(lnPre).forward(tok).data(), new Transformer(w).forward(tok).data());
    }

    @Test
    void replacingThePatternChangesLogitsLikeThePlainModel() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.SHORTFORMER, true);
        Weights w = TestModels.random(c, 44);
        int[][] tok = TestModels.tokens(c, BATCH, T, 2);
        String name = "blocks.0.attn.hook_pattern";
        Hooks uniform = Hooks.none().with(name, (pattern, hook) -> {
            Tensor out = Tensor.zeros(pattern.shape());
            for (int b = 0; b < BATCH; b++)
                for (int h = 0; h < c.nHeads(); h++)
                    for (int i = 0; i < T; i++)
                        for (int j = 0; j <= i; j++) out.set(1f / (i + 1), b, h, i, j);
            return out;
        });
        PlainModel.Edit plainUniform = (n, a) -> {
            if (!n.equals(name)) return;
            for (int h = 0; h < c.nHeads(); h++)
                for (int i = 0; i < T; i++)
                    for (int j = 0; j < T; j++) a[(h * T + i) * T + j] = j <= i ? 1.0 / (i + 1) : 0;
        };
        assertChangedLike(w, tok, uniform, plainUniform);
    }

    @Test
    void zeroingAHeadsZChangesLogitsLikeThePlainModel() {
        Config c = TestModels.config(3, Normalization.LN_PRE, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 45);
        int[][] tok = TestModels.tokens(c, BATCH, T, 3);
        int layer = 1, head = 1;
        String name = "blocks." + layer + ".attn.hook_z";
        Hooks ablate = Hooks.caching(Set.of(name)).with(name, (z, hook) -> {
            for (int b = 0; b < BATCH; b++)
                for (int t = 0; t < T; t++)
                    for (int e = 0; e < c.dHead(); e++) z.set(0f, b, t, head, e);
            return z;
        });
        PlainModel.Edit plainAblate = (n, a) -> {
            if (!n.equals(name)) return;
            for (int t = 0; t < T; t++)
                for (int e = 0; e < c.dHead(); e++) a[(t * c.nHeads() + head) * c.dHead() + e] = 0;
        };
        Run run = assertChangedLike(w, tok, ablate, plainAblate);
        assertEquals(0f, run.cache().get(name).get(0, 2, head, 1), "the cache holds the ablated activation");
    }

    @Test
    void editingScoresAndResultFlowsThroughLikeThePlainModel() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, false);
        Weights w = TestModels.random(c, 46);
        int[][] tok = TestModels.tokens(c, BATCH, T, 4);
        String scores = "blocks.1.attn.hook_attn_scores", result = "blocks.0.attn.hook_result";
        Hooks hooks = Hooks.none()
                .with(scores, (s, hook) -> {
                    for (int b = 0; b < BATCH; b++) for (int i = 0; i < T; i++) s.set(s.get(b, 0, i, 0) + 2f, b, 0, i, 0);
                    return s;
                })
                .with(result, (r, hook) -> {
                    Tensor out = r.copy();
                    for (int b = 0; b < BATCH; b++) for (int t = 0; t < T; t++) for (int o = 0; o < c.dModel(); o++) out.set(0f, b, t, 0, o);
                    return out;
                });
        PlainModel.Edit plain = (n, a) -> {
            if (n.equals(scores)) for (int i = 0; i < T; i++) a[i * T] += 2;
            if (n.equals(result)) for (int t = 0; t < T; t++) for (int o = 0; o < c.dModel(); o++) a[(t * c.nHeads()) * c.dModel() + o] = 0;
        };
        assertChangedLike(w, tok, hooks, plain);
    }

    @Test
    void replacingQkvAndResidualTakesEffect() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.SHORTFORMER, true);
        Weights w = TestModels.random(c, 47);
        int[][] tok = TestModels.tokens(c, BATCH, T, 6);
        String[] names = {"blocks.0.attn.hook_q", "blocks.1.attn.hook_k", "blocks.1.attn.hook_v", "blocks.1.hook_resid_pre", "hook_pos_embed"};
        Hooks hooks = Hooks.none();
        for (String name : names) hooks = hooks.with(name, (a, hook) -> {
            Tensor out = a.copy();
            for (int i = 0; i < out.size(); i += 3) out.data()[i] *= -0.5f;
            return out;
        });
        PlainModel.Edit plain = (n, a) -> {
            if (List.of(names).contains(n)) for (int i = 0; i < a.length; i += 3) a[i] *= -0.5;
        };
        // the plain model runs one sequence, so the edit of every third element lines up when a sequence's size divides by 3
        assertEquals(0, T * c.dModel() % 3);
        assertEquals(0, T * c.nHeads() * c.dHead() % 3);
        assertChangedLike(w, tok, hooks, plain);
    }

    @Test
    void replacingTheLayerNormScaleRescalesItsOutputLikeTransformerLens() {
        for (Normalization n : new Normalization[] {Normalization.LN, Normalization.LN_PRE}) {
            Config c = TestModels.config(2, n, PositionalEmbedding.STANDARD, true);
            Weights w = TestModels.random(c, 48);
            int[][] tok = TestModels.tokens(c, BATCH, T, 7);
            String[] names = {"blocks.1.ln1.hook_scale", "ln_final.hook_scale"};
            Hooks hooks = Hooks.none();
            for (String name : names) hooks = hooks.with(name, (s, hook) -> {
                for (int b = 0; b < BATCH; b++) s.set(s.get(b, 2, 0) * 3f, b, 2, 0);
                return s;
            });
            PlainModel.Edit plain = (name, a) -> {
                if (List.of(names).contains(name)) a[2] *= 3;
            };
            assertChangedLike(w, tok, hooks, plain);
        }
    }

    /** Runs with {@code hooks}, checks the logits differ from the plain run and equal the plain run with {@code edit}. */
    private static Run assertChangedLike(Weights w, int[][] tok, Hooks hooks, PlainModel.Edit edit) {
        Run run = new Transformer(w).run(tok, hooks);
        PlainModel plain = new PlainModel(w);
        for (int b = 0; b < tok.length; b++) {
            double[] before = plain.run(tok[b], NO_EDIT).get("logits");
            double[] after = plain.run(tok[b], edit).get("logits");
            double change = 0;
            for (int i = 0; i < before.length; i++) change = Math.max(change, Math.abs(after[i] - before[i]));
            assertTrue(change > 1e-2, "the edit must change the logits, changed by " + change);
            assertClose(after, run.logits().slice(b), "edited logits of sequence " + b);
        }
        return run;
    }

    @Test
    void theNameFilterStoresOnlyTheRequestedNames() {
        Config c = TestModels.config(3, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Transformer model = new Transformer(TestModels.random(c, 8));
        int[][] tok = TestModels.tokens(c, 1, 4, 8);
        Set<String> wanted = Set.of("blocks.2.attn.hook_pattern", "blocks.0.hook_resid_post", "blocks.1.attn.hook_result");
        assertEquals(wanted, model.run(tok, Hooks.caching(wanted)).cache().keySet());
        Run patterns = model.run(tok, Hooks.caching(name -> name.endsWith("hook_pattern")));
        assertEquals(Set.of("blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern", "blocks.2.attn.hook_pattern"),
                patterns.cache().keySet());
        assertArrayEquals(model.forward(tok).data(), patterns.logits().data(), "caching does not change the logits");
        assertTrue(model.run(tok, Hooks.none()).cache().isEmpty());
    }

    @Test
    void unknownHookNamesAreRejected() {
        Config c = TestModels.config(1, Normalization.NONE, PositionalEmbedding.STANDARD, true);
        Transformer model = new Transformer(TestModels.random(c, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> model.run(new int[][] {{1}},
                Hooks.none().with("blocks.0.ln1.hook_normalized", (a, h) -> a)));
        assertEquals("no hook point named blocks.0.ln1.hook_normalized in this model", e.getMessage());
    }

    @Test
    void runUntilStopsWithTheResidualTheFullRunHasThere() {
        Config c = new Config(3, 16, 2, 8, 12, 20, Normalization.LN, PositionalEmbedding.SHORTFORMER, 1e-5, true);
        Transformer model = new Transformer(TestModels.random(c, 21));
        int[][] tok = TestModels.tokens(c, 2, 9, 4);
        Hooks residuals = Hooks.caching(name -> name.contains("hook_resid_") || name.contains("hook_scale"));
        Run full = model.run(tok, residuals);
        for (int stop = 0; stop <= c.nLayers(); stop++) {
            String there = stop < c.nLayers() ? "blocks." + stop + ".hook_resid_pre" : "blocks." + (stop - 1) + ".hook_resid_post";
            Run until = model.runUntil(stop, tok, residuals);
            assertArrayEquals(full.cache().get(there).data(), until.logits().data(), "residual before block " + stop);
            int last = stop;
            assertTrue(until.cache().keySet().stream().noneMatch(n -> n.startsWith("blocks." + last + ".") || n.startsWith("ln_final")),
                    "nothing after block " + stop + " runs: " + until.cache().keySet());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> model.runUntil(1, tok, Hooks.none().with("blocks.1.attn.hook_z", (a, h) -> a)));
        assertEquals("no hook point named blocks.1.attn.hook_z before block 1", e.getMessage());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Config c = new Config(2, 32, 4, 8, 40, 50, Normalization.LN, PositionalEmbedding.SHORTFORMER, 1e-5, true);
        Transformer model = new Transformer(TestModels.random(c, 12));
        int[][] tok = TestModels.tokens(c, 3, 40, 12);
        Parallel.setThreads(1);
        float[] one = model.forward(tok).data();
        for (int threads : new int[] {2, 3}) {
            Parallel.setThreads(threads);
            assertArrayEquals(one, model.forward(tok).data(), threads + " threads");
        }
    }

    @Test
    void badSequencesAreClearErrors() {
        Config c = TestModels.config(1, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Transformer model = new Transformer(TestModels.random(c, 1));
        assertEquals("token id 11 at position 1 is outside the vocabulary [0, 11)",
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[] {0, 11})).getMessage());
        assertEquals("token id -1 at position 0 is outside the vocabulary [0, 11)",
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[] {-1})).getMessage());
        assertEquals("sequence of 8 tokens is longer than the model's context n_ctx = 7",
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[8])).getMessage());
        assertEquals("sequence 1 has 2 tokens but sequence 0 has 3 (a batch needs equal lengths)",
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][] {{1, 2, 3}, {1, 2}})).getMessage());
        assertEquals("empty sequence: give at least one token",
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[0])).getMessage());
    }

    /** |actual - expected| <= 1e-4·max(1, |expected|) elementwise (float32 against double), infinities equal. */
    static void assertClose(double[] expected, Tensor actual, String what) {
        float[] a = actual.copy().data();
        assertEquals(expected.length, a.length, what + ": size");
        for (int i = 0; i < a.length; i++) {
            if (Double.isInfinite(expected[i])) {
                assertEquals(expected[i], a[i], what + "[" + i + "]");
                continue;
            }
            if (Math.abs(a[i] - expected[i]) > 1e-4 * Math.max(1, Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: expected " + expected[i] + " but was " + a[i]);
            }
        }
    }
}
