package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Block;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** Direct logit attribution sums to the logit; ablations equal edited weights; detector scores equal a direct reading of the patterns. */
class AttributionTest {
    private static final int[][] TOKENS = {{3, 1, 4, 1, 5, 9, 2, 6, 5}, {2, 7, 1, 8, 2, 8, 1, 8, 2}, {0, 12, 11, 10, 9, 8, 7, 6, 5}};

    @Test
    void directLogitAttributionSumsToTheLogitOfTheNextToken() {
        for (Normalization norm : Normalization.values()) {
            for (PositionalEmbedding pos : PositionalEmbedding.values()) {
                Transformer model = new Transformer(RandomModels.random(RandomModels.config(2, norm, pos, true), 21));
                DirectLogitAttribution dla = DirectLogitAttribution.of(model, TOKENS[0]);
                int components = 1 + (pos == PositionalEmbedding.STANDARD ? 1 : 0) + 2 * (3 + 1);
                assertEquals(components, dla.components().size(), dla.components().toString());
                Tensor logits = model.forward(TOKENS[0]);
                for (int t = 0; t + 1 < TOKENS[0].length; t++) {
                    double want = logits.get(0, t, TOKENS[0][t + 1]);
                    assertEquals(want, dla.logits()[t], 1e-5 * Math.max(1, Math.abs(want)), "the hooked run sums per-head results");
                    assertEquals(want, dla.total(t), 1e-4 * Math.max(1, Math.abs(want)), norm + " " + pos + " position " + t);
                }
            }
        }
    }

    /** Chosen targets, the last position included (no next token there), sum to the logits of those targets. */
    @Test
    void directLogitAttributionOfChosenTargetsSumsToTheirLogits() {
        Transformer model = new Transformer(RandomModels.random(RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true), 22));
        int[] tokens = TOKENS[1], targets = {5, 0, 12, 3, 3, 7, 1, 2, 11};
        DirectLogitAttribution dla = DirectLogitAttribution.of(model, tokens, targets);
        Tensor logits = model.forward(tokens);
        assertEquals(tokens.length, dla.logits().length);
        for (int t = 0; t < tokens.length; t++) {
            double want = logits.get(0, t, targets[t]);
            assertEquals(want, dla.total(t), 1e-4 * Math.max(1, Math.abs(want)), "position " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> DirectLogitAttribution.of(model, tokens, new int[] {13}));
        assertThrows(IllegalArgumentException.class, () -> DirectLogitAttribution.of(model, new int[] {1}, new int[] {1, 2}));
    }

    @Test
    void zeroAblationEqualsTheModelWithoutTheHeadsOutputMatrix() {
        Weights w = RandomModels.random(RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true), 4);
        HeadAblation ablation = HeadAblation.of(new Transformer(w), TOKENS, HeadAblation.Kind.ZERO);
        assertEquals(mean(new Transformer(w).loss(TOKENS)), ablation.cleanLoss(), 1e-9);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                Weights edited = w.copy();
                Block b = edited.blocks().get(l);
                int dh = edited.config().dHead(), dm = edited.config().dModel();
                for (int i = 0; i < dh * dm; i++) b.wO().data()[h * dh * dm + i] = 0;
                double want = mean(new Transformer(edited).loss(TOKENS)) - ablation.cleanLoss();
                assertEquals(want, ablation.lossChange()[l][h], 1e-5, "L" + l + "H" + h);
            }
        }
    }

    @Test
    void meanAblationEqualsAConstantOutputFoldedIntoB_O() {
        Weights w = RandomModels.random(RandomModels.config(2, Normalization.LN_PRE, PositionalEmbedding.STANDARD, true), 8);
        Transformer model = new Transformer(w);
        HeadAblation ablation = HeadAblation.of(model, TOKENS, HeadAblation.Kind.MEAN);
        Map<String, Tensor> cache = model.run(TOKENS, Hooks.caching(n -> n.endsWith("hook_z"))).cache();
        Config c = w.config();
        int dh = c.dHead(), dm = c.dModel(), heads = c.nHeads();
        for (int l = 0; l < 2; l++) {
            float[] z = cache.get("blocks." + l + ".attn.hook_z").data();
            int rows = z.length / (heads * dh);
            for (int h = 0; h < heads; h++) {
                Weights edited = w.copy();
                Block b = edited.blocks().get(l);
                float[] wO = b.wO().data(), bO = b.bO().data();
                for (int j = 0; j < dm; j++) {
                    double s = 0;
                    for (int k = 0; k < dh; k++) {
                        double meanZ = 0;
                        for (int r = 0; r < rows; r++) meanZ += z[(r * heads + h) * dh + k];
                        s += meanZ / rows * wO[(h * dh + k) * dm + j];
                    }
                    bO[j] += (float) s;
                }
                for (int i = 0; i < dh * dm; i++) wO[h * dh * dm + i] = 0;
                double want = mean(new Transformer(edited).loss(TOKENS)) - ablation.cleanLoss();
                assertEquals(want, ablation.lossChange()[l][h], 1e-4, "L" + l + "H" + h);
            }
        }
    }

    @Test
    void detectorScoresAreTheMeansOfTheNamedDiagonalsOverTheSecondCopy() {
        Transformer model = new Transformer(RandomModels.random(RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true), 2));
        int n = 4, batch = 3;
        HeadDetector d = HeadDetector.detect(model, n, batch, 17);
        for (int[] row : d.tokens()) {
            for (int i = 0; i < n; i++) {
                assertEquals(row[i], row[i + n], "second copy repeats the first");
                for (int j = 0; j < i; j++) assertTrue(row[i] != row[j], "distinct tokens in a copy");
            }
        }
        Map<String, Tensor> cache = model.run(d.tokens(), Hooks.caching(name -> name.endsWith("hook_pattern"))).cache();
        for (int l = 0; l < 2; l++) {
            Tensor p = cache.get("blocks." + l + ".attn.hook_pattern");
            for (int h = 0; h < 3; h++) {
                double prev = 0, dup = 0, ind = 0;
                for (int b = 0; b < batch; b++) {
                    for (int q = n; q < 2 * n; q++) {
                        for (int k = 0; k <= q; k++) {
                            double a = p.get(b, h, q, k);
                            if (k == q - 1) prev += a;
                            if (d.tokens()[b][k] == d.tokens()[b][q] && k < q) dup += a;
                            if (k > 0 && d.tokens()[b][k - 1] == d.tokens()[b][q] && k - 1 < q - 1) ind += a;
                        }
                    }
                }
                // the detector's hooked run forms z from the hooked pattern with a GEMM: later layers differ by rounding
                assertEquals(prev / (batch * n), d.previousToken()[l][h], 1e-6);
                assertEquals(dup / (batch * n), d.duplicateToken()[l][h], 1e-6);
                assertEquals(ind / (batch * n), d.induction()[l][h], 1e-6);
            }
        }
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += t.data()[i];
        return s / t.size();
    }
}
