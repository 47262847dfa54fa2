package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.data.SkipTrigrams;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;

/**
 * Hand-built one-layer, one-head models over 8 one-hot tokens (no layer norm, no biases) with two planted triples that
 * share B = 0: 1 … 0 → 2 and 3 … 0 → 4; fillers 5, 6, 7. The QK and OV entries are set directly, so the expected
 * reading follows from the definitions.
 */
class PlantedSkipTrigramTest {
    private static final int V = 8, B = 0, A1 = 1, C1 = 2, A2 = 3, C2 = 4;
    private static final SkipTrigrams PLANTED = new SkipTrigrams(V, List.of(new SkipTrigrams.Triple(A1, B, C1),
            new SkipTrigrams.Triple(A2, B, C2)), new int[] {5, 6, 7});

    /** qk[d][s] and ov[s][o] become the QK and OV circuits exactly: W_E = I, W_Q = I, W_K = qkᵀ, W_V = I, W_O = ov, W_U = I. */
    private static Circuits model(double[][] qk, double[][] ov) {
        Config c = new Config(1, V, 1, V, 4, V, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, false);
        Map<String, Tensor> d = new LinkedHashMap<>();
        Weights.shapes(c).forEach((name, shape) -> d.put(name, Tensor.zeros(shape)));
        for (int i = 0; i < V; i++) {
            d.get("embed.W_E").set(1, i, i);
            d.get("unembed.W_U").set(1, i, i);
            d.get("blocks.0.attn.W_Q").set(1, 0, i, i);
            d.get("blocks.0.attn.W_V").set(1, 0, i, i);
            for (int j = 0; j < V; j++) {
                d.get("blocks.0.attn.W_K").set((float) qk[j][i], 0, i, j); // (W_Q W_Kᵀ)[d][s] = W_K[s][d] = qk[d][s]
                d.get("blocks.0.attn.W_O").set((float) ov[i][j], 0, i, j);
            }
        }
        return new Circuits(CircuitWeights.of(Weights.fromStateDict(c, d)));
    }

    private static double[][] qkAttendingToTheAs(double filler) {
        double[][] qk = new double[V][V];
        qk[B][A1] = 2;
        qk[B][A2] = 2;
        for (int f : PLANTED.fillers()) qk[B][f] = filler;
        return qk;
    }

    @Test
    void eachAThatRaisesItsOwnCMoreThanTheOtherAIsFound() {
        double[][] ov = new double[V][V];
        ov[A1][C1] = 1.0;
        ov[A1][C2] = 0.25;
        ov[A2][C2] = 0.75;
        List<PlantedSkipTrigram> r = PlantedSkipTrigram.of(model(qkAttendingToTheAs(0.5), ov), 0, PLANTED);
        // contrast row of A1: ov[A1] − (ov[A1] + ov[A2])/2, at C1: 1 − 0.5 = 0.5, at C2: 0.25 − 0.5 = −0.25
        assertEquals(1, r.get(0).qkRank());
        assertEquals(1, r.get(0).attendingHeads());
        assertEquals(1, r.get(0).ovRank());
        assertEquals(0.75, r.get(0).ovMargin(), 1e-6);
        assertEquals(1.0, r.get(0).ovSpread(), 1e-6);
        assertTrue(r.get(0).found());
        // contrast row of A2: at C2: 0.75 − 0.5 = 0.25, at C1: 0 − 0.5 = −0.5
        assertEquals(0.75, r.get(1).ovMargin(), 1e-6);
        assertTrue(r.get(1).found());
    }

    @Test
    void twoAsWithTheSameOvRowAreNotFoundThoughEachRaisesItsCAboveEveryOtherToken() {
        double[][] ov = new double[V][V];
        for (int a : new int[] {A1, A2}) {
            ov[a][C1] = 1.0;
            ov[a][C2] = 0.9;
        }
        List<PlantedSkipTrigram> r = PlantedSkipTrigram.of(model(qkAttendingToTheAs(0.5), ov), 0, PLANTED);
        // C1 is A1's top output (the old reading's "found"), but A2 raises it as much: the contrast rows are zero
        assertEquals(0, r.get(0).ovMargin(), 1e-9);
        assertEquals(2, r.get(0).ovRank(), "a tie counts against C");
        assertFalse(r.get(0).found());
        assertFalse(r.get(1).found());
    }

    @Test
    void aMarginBelowOnePercentOfTheRowsSpreadIsNotFound() {
        double[][] ov = new double[V][V];
        ov[A1][C1] = 1.0;
        ov[A1][C2] = 0.99;
        ov[A2][C1] = 0.995;
        ov[A2][C2] = 0.995;
        List<PlantedSkipTrigram> r = PlantedSkipTrigram.of(model(qkAttendingToTheAs(0.5), ov), 0, PLANTED);
        // A1's contrast: C1 1 − 0.9975 = 0.0025, C2 0.99 − 0.9925 = −0.0025: first, margin 0.005; A1's row spans 0..1
        assertEquals(1, r.get(0).ovRank());
        assertEquals(0.005, r.get(0).ovMargin(), 1e-6);
        assertEquals(1.0, r.get(0).ovSpread(), 1e-6);
        assertFalse(r.get(0).found(), "0.005 < 1% of the spread");
    }

    @Test
    void aQueryThatPrefersAFillerDoesNotAttend() {
        double[][] ov = new double[V][V];
        ov[A1][C1] = 1;
        ov[A2][C2] = 1;
        List<PlantedSkipTrigram> r = PlantedSkipTrigram.of(model(qkAttendingToTheAs(3), ov), 0, PLANTED);
        assertEquals(4, r.get(0).qkRank(), "all three fillers score above A");
        assertEquals(0, r.get(0).attendingHeads());
        assertFalse(r.get(0).found());
    }
}
