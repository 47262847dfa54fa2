package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.patching.ActivationPatching;
import org.vecformer.model.patching.AttributionPatching;
import org.vecformer.model.patching.Metric;
import org.vecformer.model.patching.PatchRuns;
import org.vecformer.model.patching.PathPatching;
import org.vecformer.model.patching.PathPatching.Head;
import org.vecformer.model.patching.Site;
import org.vecformer.model.patching.SiteEffect;

/**
 * Activation, path and attribution patching ({@code org.vecformer.model.patching}) held to the independent
 * double-precision {@link PlainModel}: every patch is redone there as an in-place edit of the corrupted run (the
 * semantics of TransformerLens' {@code get_act_patch_*}), path patching as its three runs of edits, and the gradients
 * the backward reports against central finite differences of the plain model's metric.
 */
class PatchingTest {
    private static final int T = 6;

    static Stream<Arguments> variants() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (Normalization n : Normalization.values()) {
            for (PositionalEmbedding p : PositionalEmbedding.values()) s.add(Arguments.of(n, p));
        }
        return s.build();
    }

    private static int[] tokens(Config c, long seed) {
        return TestModels.tokens(c, 1, T, seed)[0];
    }

    /** The metric of the plain model's last position under {@code edit}. */
    private static double plainMetric(PlainModel m, Config c, int[] tok, Metric metric, PlainModel.Edit edit) {
        double[] logits = m.run(tok, edit).get("logits");
        int row = (tok.length - 1) * c.dVocab();
        if (metric.kind() == Metric.Kind.LOGIT_DIFF) return logits[row + metric.answer()] - logits[row + metric.wrong()];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int v = 0; v < c.dVocab(); v++) max = Math.max(max, logits[row + v]);
        for (int v = 0; v < c.dVocab(); v++) sum += Math.exp(logits[row + v] - max);
        return logits[row + metric.answer()] - max - Math.log(sum);
    }

    /** Copies head h (every position when p = −1, else position / query row p) of {@code src} into {@code dst}, plain layouts. */
    private static void copyHead(Config c, Site site, double[] src, double[] dst, int h, int p) {
        int nh = c.nHeads(), dh = c.dHead();
        for (int i = 0; i < T; i++) {
            if (p >= 0 && i != p) continue;
            if (site == Site.PATTERN) System.arraycopy(src, (h * T + i) * T, dst, (h * T + i) * T, T);
            else System.arraycopy(src, (i * nh + h) * dh, dst, (i * nh + h) * dh, dh);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("variants")
    void everySiteEqualsThePlainModelsEditedRun(Normalization norm, PositionalEmbedding pos) {
        Config c = TestModels.config(2, norm, pos, true);
        Weights w = TestModels.random(c, 11);
        PlainModel plain = new PlainModel(w);
        int[] clean = tokens(c, 3), corrupt = tokens(c, 4);
        for (Metric metric : List.of(new Metric(Metric.Kind.LOGIT_DIFF, 2, 5), new Metric(Metric.Kind.LOGPROB, 7, 0))) {
            PatchRuns runs = PatchRuns.of(new Transformer(w), clean, corrupt, metric, false);
            Map<String, double[]> cleanActs = plain.run(clean, (n, a) -> {});
            assertEquals(plainMetric(plain, c, clean, metric, (n, a) -> {}), runs.cleanMetric(), 2e-4);
            assertEquals(plainMetric(plain, c, corrupt, metric, (n, a) -> {}), runs.corruptMetric(), 2e-4);
            ActivationPatching patching = new ActivationPatching(runs);
            for (Site site : Site.values()) {
                for (boolean perPos : new boolean[] {false, true}) {
                    SiteEffect effect = patching.patch(site, perPos);
                    for (int l = 0; l < c.nLayers(); l++) {
                        String name = site.hookName(l);
                        double[] src = cleanActs.get(name);
                        if (!site.perHead()) {
                            for (int p = 0; p < T; p++) {
                                int row = p;
                                double want = plainMetric(plain, c, corrupt, metric, (n, a) -> {
                                    if (n.equals(name)) System.arraycopy(src, row * c.dModel(), a, row * c.dModel(), c.dModel());
                                });
                                assertEquals(want, effect.at(l, p), 2e-4, site + " L" + l + " pos " + p);
                            }
                            continue;
                        }
                        for (int h = 0; h < c.nHeads(); h++) {
                            for (int p = perPos ? 0 : -1; p < (perPos ? T : 0); p++) {
                                int head = h, at = p;
                                double want = plainMetric(plain, c, corrupt, metric, (n, a) -> {
                                    if (n.equals(name)) copyHead(c, site, src, a, head, at);
                                });
                                double got = perPos ? effect.at(l, h, p) : effect.at(l, h);
                                assertEquals(want, got, 2e-4, site + " L" + l + "H" + h + " pos " + p + " " + metric.kind());
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void patchingTheOnlyDifferingTokensResidualAtLayerZeroRestoresTheCleanMetricExactly() {
        Config c = TestModels.config(3, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 5);
        int[] clean = tokens(c, 8), corrupt = clean.clone();
        int differs = 2;
        corrupt[differs] = (clean[differs] + 1) % c.dVocab();
        PatchRuns runs = PatchRuns.of(new Transformer(w), clean, corrupt, new Metric(Metric.Kind.LOGIT_DIFF, 1, 4), false);
        assertTrue(Math.abs(runs.cleanMetric() - runs.corruptMetric()) > 1e-3, "the corruption moves the metric");
        SiteEffect normalized = new ActivationPatching(runs).patch(Site.RESID_PRE, false).normalized(runs);
        for (int p = 0; p < T; p++) {
            // the patched layer-0 residual is the clean one at p and equal to the corrupted one elsewhere
            assertEquals(p == differs ? 1.0 : 0.0, normalized.at(0, p), 0.0, "position " + p);
        }
    }

    @Test
    void resumingAtALayerFromItsResidPreGivesTheFullRunsLogits() {
        Config c = TestModels.config(3, Normalization.LN, PositionalEmbedding.SHORTFORMER, true);
        Transformer model = new Transformer(TestModels.random(c, 9));
        int[][] tok = TestModels.tokens(c, 2, T, 3);
        Run full = model.run(tok, Hooks.caching(n -> n.endsWith("hook_resid_pre") || n.endsWith("hook_resid_post")));
        for (int l = 0; l <= c.nLayers(); l++) {
            Tensor resid = full.cache().get(l < c.nLayers() ? "blocks." + l + ".hook_resid_pre" : "blocks." + (l - 1) + ".hook_resid_post");
            Tensor all = model.resume(l, resid, Hooks.none(), Transformer.LogitRows.ALL).logits();
            assertArrayEquals(full.logits().data(), all.data(), "layer " + l);
            Tensor last = model.resume(l, resid, Hooks.none(), Transformer.LogitRows.LAST).logits();
            assertArrayEquals(new int[] {2, 1, c.dVocab()}, last.shape());
            for (int b = 0; b < 2; b++) {
                for (int v = 0; v < c.dVocab(); v++) {
                    assertEquals(full.logits().data()[((b * T) + T - 1) * c.dVocab() + v], last.data()[b * c.dVocab() + v], 1e-5);
                }
            }
        }
        Tensor lastOfRun = model.run(tok, Hooks.none(), Transformer.LogitRows.LAST).logits();
        for (int b = 0; b < 2; b++) {
            for (int v = 0; v < c.dVocab(); v++) {
                assertEquals(full.logits().data()[((b * T) + T - 1) * c.dVocab() + v], lastOfRun.data()[b * c.dVocab() + v], 1e-5);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> model.resume(2, full.cache().get("blocks.2.hook_resid_pre"),
                Hooks.none().with("blocks.1.attn.hook_z", (a, n) -> a), Transformer.LogitRows.ALL));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("variants")
    void activationGradientsMatchFiniteDifferencesOfThePlainModel(Normalization norm, PositionalEmbedding pos) {
        Config c = TestModels.config(2, norm, pos, true);
        Weights w = TestModels.random(c, 21);
        PlainModel plain = new PlainModel(w);
        int[] tok = tokens(c, 6);
        Metric metric = new Metric(Metric.Kind.LOGPROB, 3, 0);
        Map<String, Tensor> grads = new java.util.HashMap<>();
        Backward.activationGradients(w, tok, 1, T, n -> false, Transformer.LogitRows.LAST, metric::gradient, grads::put);
        double h = 1e-4;
        for (int l = 0; l < c.nLayers(); l++) {
            for (String site : List.of("hook_resid_pre", "hook_attn_out", "hook_resid_post", "attn.hook_z", "attn.hook_q", "attn.hook_k", "attn.hook_v")) {
                String name = "blocks." + l + "." + site;
                Tensor g = grads.get(name);
                for (int i = 0; i < g.size(); i += 5) {
                    int at = i;
                    double up = plainMetric(plain, c, tok, metric, (n, a) -> { if (n.equals(name)) a[at] += h; });
                    double down = plainMetric(plain, c, tok, metric, (n, a) -> { if (n.equals(name)) a[at] -= h; });
                    assertEquals((up - down) / (2 * h), g.data()[i], 2e-3, name + " element " + i);
                }
            }
        }
    }

    @Test
    void attributionEqualsExactPatchingWhereTheMetricIsLinearInTheActivation() {
        // one layer, no layer norm, logit difference: the metric is linear in attn_out, z, v and pattern of the layer
        Config c = TestModels.config(1, Normalization.NONE, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 13);
        Transformer model = new Transformer(w);
        int[] clean = tokens(c, 1), corrupt = tokens(c, 2);
        Metric metric = new Metric(Metric.Kind.LOGIT_DIFF, 4, 9);
        PatchRuns runs = PatchRuns.of(model, clean, corrupt, metric, true);
        ActivationPatching exact = new ActivationPatching(runs);
        AttributionPatching approx = new AttributionPatching(runs);
        for (Site site : List.of(Site.ATTN_OUT, Site.Z, Site.V, Site.PATTERN)) {
            for (boolean perPos : new boolean[] {false, true}) {
                SiteEffect e = exact.patch(site, perPos), a = approx.estimate(site, perPos);
                assertArrayEquals(e.shape(), a.shape());
                for (int i = 0; i < e.values().length; i++) {
                    assertEquals(e.values()[i], a.values()[i], 1e-4 * (1 + Math.abs(e.values()[i])), site + " " + i);
                }
            }
        }
        // q, k and resid_pre reach the metric through the softmax: not linear, and the estimate is off somewhere
        SiteEffect e = exact.patch(Site.K, false), a = approx.estimate(Site.K, false);
        double worst = 0;
        for (int i = 0; i < e.values().length; i++) worst = Math.max(worst, Math.abs(e.values()[i] - a.values()[i]));
        assertTrue(worst > 1e-3, "k is patched through the softmax, so the first-order estimate is not exact: " + worst);
    }

    @Test
    void attributionTracksExactPatchingOnASmallWeightModel() {
        // with layer norm the metric is not linear in any site; with small weights (near-uniform attention) the
        // first-order estimates of all per-position patches of every site follow the exact ones (r = 0.955 here)
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = Weights.init(c, 31, 0.15);
        int[] clean = tokens(c, 1), corrupt = tokens(c, 2);
        PatchRuns runs = PatchRuns.of(new Transformer(w), clean, corrupt, new Metric(Metric.Kind.LOGIT_DIFF, 4, 9), true);
        ActivationPatching exact = new ActivationPatching(runs);
        AttributionPatching approx = new AttributionPatching(runs);
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int n = 0;
        for (Site site : Site.values()) {
            SiteEffect e = exact.patch(site, true), a = approx.estimate(site, true);
            for (int i = 0; i < e.values().length; i++, n++) {
                double x = e.values()[i] - runs.corruptMetric(), y = a.values()[i] - runs.corruptMetric();
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
        }
        double r = (sxy - sx * sy / n) / Math.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
        assertTrue(r > 0.9, "correlation of estimated and exact effects over " + n + " patches: " + r);
    }

    @Test
    void pathPatchingEqualsThePlainModelsThreeRuns() {
        Config c = TestModels.config(3, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 17);
        PlainModel plain = new PlainModel(w);
        int[] clean = tokens(c, 5), corrupt = tokens(c, 6);
        Metric metric = new Metric(Metric.Kind.LOGIT_DIFF, 0, 3);
        PatchRuns runs = PatchRuns.of(new Transformer(w), clean, corrupt, metric, false);
        Head sender = new Head(0, 1);
        List<Head> receivers = List.of(new Head(1, 0), new Head(2, 1));
        Set<Site> inputs = Set.of(Site.K, Site.V);
        Map<String, double[]> cleanActs = plain.run(clean, (n, a) -> {});
        Map<String, double[]> corruptActs = plain.run(corrupt, (n, a) -> {});
        Map<String, double[]> step2 = plain.run(corrupt, (n, a) -> {
            if (!n.endsWith("attn.hook_z")) return;
            System.arraycopy(corruptActs.get(n), 0, a, 0, a.length);
            if (n.equals("blocks.0.attn.hook_z")) copyHead(c, Site.Z, cleanActs.get(n), a, sender.head(), -1);
        });
        double want = plainMetric(plain, c, corrupt, metric, (n, a) -> {
            for (Head r : receivers) {
                for (Site s : inputs) if (n.equals(s.hookName(r.layer()))) copyHead(c, s, step2.get(n), a, r.head(), -1);
            }
        });
        assertEquals(want, PathPatching.of(runs, sender, receivers, inputs), 2e-4);
    }

    @Test
    void pathPatchingThroughEveryLaterHeadPlusTheDirectPathIsTheSendersActivationPatch() {
        // two layers, no layer norm: the logit difference is linear in the final residual, which the sender changes
        // directly (its own W_O output) and through the layer-1 heads, so the two path effects add up to the whole
        Config c = TestModels.config(2, Normalization.NONE, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 19);
        PlainModel plain = new PlainModel(w);
        int[] clean = tokens(c, 7), corrupt = tokens(c, 8);
        Metric metric = new Metric(Metric.Kind.LOGIT_DIFF, 1, 2);
        PatchRuns runs = PatchRuns.of(new Transformer(w), clean, corrupt, metric, false);
        Map<String, double[]> cleanActs = plain.run(clean, (n, a) -> {});
        Map<String, double[]> corruptActs = plain.run(corrupt, (n, a) -> {});
        for (int h = 0; h < c.nHeads(); h++) {
            int sender = h;
            double direct = plainMetric(plain, c, corrupt, metric, (n, a) -> {
                if (n.equals("blocks.0.attn.hook_z")) copyHead(c, Site.Z, cleanActs.get(n), a, sender, -1);
                if (n.equals("blocks.1.attn.hook_z")) System.arraycopy(corruptActs.get(n), 0, a, 0, a.length);
            });
            double total = new ActivationPatching(runs).head(Site.Z, 0, h, -1);
            List<Head> later = List.of(new Head(1, 0), new Head(1, 1));
            double path = PathPatching.of(runs, new Head(0, h), later, Set.of(Site.Q, Site.K, Site.V));
            double corruptM = runs.corruptMetric();
            assertEquals(total - corruptM, (path - corruptM) + (direct - corruptM), 2e-4, "sender L0H" + h);
        }
    }

    @Test
    void aReceiverNoLaterThanTheSenderHasNoPath() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Weights w = TestModels.random(c, 23);
        PatchRuns runs = PatchRuns.of(new Transformer(w), tokens(c, 1), tokens(c, 2), new Metric(Metric.Kind.LOGIT_DIFF, 1, 2), false);
        for (List<Head> receivers : List.of(List.of(new Head(0, 0)), List.of(new Head(1, 0), new Head(0, 1)))) {
            double m = PathPatching.of(runs, new Head(1, 1), receivers, Set.of(Site.Q, Site.K, Site.V));
            assertEquals(0.0, runs.normalize(m), 0.0, receivers.toString());
        }
    }

    @Test
    void badInputIsRefusedWithOneLine() {
        Config c = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Transformer model = new Transformer(TestModels.random(c, 1));
        Metric ok = new Metric(Metric.Kind.LOGIT_DIFF, 1, 2);
        assertEquals("the clean prompt has 6 tokens and the corrupted one 5: patching needs prompts of the same length",
                assertThrows(IllegalArgumentException.class, () -> PatchRuns.of(model, tokens(c, 1), new int[] {1, 2, 3, 4, 5}, ok, false)).getMessage());
        assertEquals("token id 11 is outside the vocabulary [0, 11)", assertThrows(IllegalArgumentException.class,
                () -> PatchRuns.of(model, tokens(c, 1), tokens(c, 2), new Metric(Metric.Kind.LOGIT_DIFF, 11, 2), false)).getMessage());
        PatchRuns runs = PatchRuns.of(model, tokens(c, 1), tokens(c, 2), ok, false);
        assertEquals("head 2.0: layer 2 is outside [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> PathPatching.of(runs, new Head(2, 0), List.of(new Head(1, 0)), Set.of(Site.Q))).getMessage());
        assertEquals("head 3 is outside [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> new ActivationPatching(runs).head(Site.Z, 0, 3, -1)).getMessage());
        assertEquals("unknown patching site 'mlp_out': choose from resid_pre, attn_out, z, pattern, v, q, k",
                assertThrows(IllegalArgumentException.class, () -> Site.parse("mlp_out")).getMessage());
    }
}
