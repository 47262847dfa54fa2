package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.model.transformer.Transformer;

/** The analyses find the circuits planted by hand in {@link PlantedModel}, with the designed signs and sizes. */
class PlantedCircuitsTest {
    private final Circuits circuits = new Circuits(CircuitWeights.of(PlantedModel.twoLayer()));

    @Test
    void copyingScoresHaveTheDesignedSigns() {
        double[][] s = circuits.copyingScores();
        assertEquals(1, s[0][1], 1e-9, "L0H1 copies: W_E W_V W_O W_U = I");
        assertEquals(-1, s[1][1], 1e-9, "L1H1 anti-copies: -I");
        assertEquals(1.0 / 3, s[1][0], 1e-9, "L1H0: diag(+1 x4, -1/2 x4)");
        assertEquals(0, s[0][0], 1e-12, "L0H0 writes where W_U does not read");
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), realParts(circuits, 0, 1));
    }

    private static List<Double> realParts(Circuits c, int l, int h) {
        return Arrays.stream(c.ovEigenvalues(l, h).re()).map(x -> Math.round(x * 1e9) / 1e9).boxed().toList();
    }

    @Test
    void thePositionalQkCircuitOfThePreviousTokenHeadPeaksOneBack() {
        FactoredMatrix pos = circuits.positionalQk(0, 0);
        for (int i = 1; i < PlantedModel.N_CTX; i++) {
            double[] row = pos.row(i);
            for (int j = 0; j < row.length; j++) {
                assertEquals(j == i - 1 ? PlantedModel.C * PlantedModel.C : 0, row[j], 1e-6, "(" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void kCompositionFindsExactlyThePreviousTokenToInductionPair() {
        Composition comp = Composition.of(circuits);
        double[][][][] k = comp.k();
        assertEquals(1 / Math.sqrt(PlantedModel.V), k[0][0][1][0], 1e-9, "rank-V identity-like maps compose at 1/sqrt(V)");
        for (int h1 = 0; h1 < 2; h1++) {
            for (int h2 = 0; h2 < 2; h2++) {
                if (h1 != 0 || h2 != 0) assertEquals(0, k[0][h1][1][h2], 1e-12, "K L0H" + h1 + " -> L1H" + h2);
                for (int l2 = 0; l2 < 2; l2++) assertEquals(0, k[1][h1][l2][h2], "no composition into layer <= 1");
            }
        }
        assertTrue(k[0][0][1][0] > comp.baseline(), k[0][0][1][0] + " vs baseline " + comp.baseline());
        // the L0H0 -> L1H0 path moves prev_t: nothing of it reaches L1H0's queries or values
        assertEquals(0, comp.q()[0][0][1][0], 1e-12);
        assertEquals(0, comp.v()[0][0][1][0], 1e-12);
    }

    @Test
    void headDetectorRanksThePlantedHeadsFirst() {
        HeadDetector d = HeadDetector.detect(new Transformer(PlantedModel.twoLayer()), PlantedModel.N_CTX / 2, 6, 3);
        assertArgmax(d.previousToken(), 0, 0);
        assertArgmax(d.duplicateToken(), 0, 1);
        assertArgmax(d.induction(), 1, 0);
        assertTrue(d.previousToken()[0][0] > 0.95, "prev " + d.previousToken()[0][0]);
        assertTrue(d.induction()[1][0] > 0.8, "induction " + d.induction()[1][0]);
        // the duplicate head splits between the earlier copy and the current token (both carry token t)
        assertEquals(0.5, d.duplicateToken()[0][1], 0.03);
    }

    private static void assertArgmax(double[][] s, int layer, int head) {
        int[] best = argmax(s);
        assertEquals(layer + "," + head, best[0] + "," + best[1]);
    }

    private static int[] argmax(double[][] s) {
        int[] best = {0, 0};
        for (int l = 0; l < s.length; l++) for (int h = 0; h < s[l].length; h++) if (s[l][h] > s[best[0]][best[1]]) best = new int[] {l, h};
        return best;
    }

    @Test
    void skipTrigramsOfAOneLayerModelAreThePlantedOnes() {
        Circuits one = new Circuits(CircuitWeights.of(PlantedModel.skipTrigrams()));
        List<SkipTrigram> top = SkipTrigram.top(one, 0, 0, 3);
        assertEquals(3, top.size());
        for (int i = 0; i < 3; i++) {
            SkipTrigram t = top.get(i);
            int s = PlantedModel.V - 1 - i;
            assertEquals(s, t.source(), "largest OV weight 1 + s/10 first");
            assertEquals((s + 1) % PlantedModel.V, t.output());
            assertEquals((t.destination() + 3) % PlantedModel.V, s, "the destination that attends to s");
            assertEquals(1 + s / 10.0, t.ov(), 1e-6);
            assertEquals(PlantedModel.C * PlantedModel.C, t.qk(), 1e-6);
        }
    }

    @Test
    void virtualHeadsListTheVCompositionPathsByNorm() {
        List<VirtualHead> paths = VirtualHead.all(circuits);
        assertEquals(4, paths.size());
        // L0H1 (I on tokens) then L1H1 (-I) and L1H0 (diag): norms sqrt(8) and sqrt(4 + 4/4); L0H0 writes prev_t, read by no V
        assertEquals(List.of("0.1-1.1", "0.1-1.0", "0.0-1.0", "0.0-1.1"),
                paths.stream().map(p -> p.layer1() + "." + p.head1() + "-" + p.layer2() + "." + p.head2()).toList());
        assertEquals(Math.sqrt(8), paths.get(0).norm(), 1e-9);
        assertEquals(Math.sqrt(5), paths.get(1).norm(), 1e-9);
        assertEquals(0, paths.get(2).norm(), 1e-12);
    }
}
