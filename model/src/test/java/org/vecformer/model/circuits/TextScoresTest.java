package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Transformer;
import org.vecformer.model.transformer.Weights;

/** Text head scores, the in-context learning score and snapshot scores against closed forms and plain recomputation. */
class TextScoresTest {
    /** A short text with repeats: token 1 at 1, 3, 5; token 0 at 0, 6. */
    private static final int[] TEXT = {0, 1, 2, 1, 3, 1, 0, 4};

    /**
     * PlantedModel's L0H0 scores key i−1 by s = C²/√d_head and every other key 0, so A[i][i−1] = e^s/(e^s + i);
     * L0H1 scores every key holding the query's token by s, so the mass on m earlier copies is m·e^s/((m+1)e^s + i − m).
     */
    @Test
    void plantedHeadsScoreTheirClosedFormsOnText() {
        TextHeadScores scores = TextHeadScores.of(new Transformer(PlantedModel.twoLayer()), new int[][] {TEXT});
        double s = PlantedModel.C * PlantedModel.C / Math.sqrt(PlantedModel.D_HEAD), e = Math.exp(s);
        double prev = 0, dup = 0;
        int dupQueries = 0;
        for (int i = 1; i < TEXT.length; i++) {
            prev += e / (e + i);
            int m = 0;
            for (int j = 0; j < i; j++) if (TEXT[j] == TEXT[i]) m++;
            if (m > 0) {
                dup += m * e / ((m + 1) * e + i - m);
                dupQueries++;
            }
        }
        assertEquals(3, dupQueries);
        assertEquals(3, scores.duplicateQueries());
        assertEquals(prev / (TEXT.length - 1), scores.previousToken()[0][0], 1e-5);
        assertEquals(dup / dupQueries, scores.duplicateToken()[0][1], 1e-5);
    }

    /** The scores equal a plain double sum over the cached hook_pattern of an ordinary run, for every head. */
    @Test
    void textScoresEqualARecomputationFromTheCachedPattern() {
        Config c = RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        Transformer model = new Transformer(RandomModels.random(c, 7));
        int[][] seqs = {{1, 5, 1, 5, 2, 1, 9, 5, 12}, {3, 3, 3, 4, 0, 4, 0, 4}};
        TextHeadScores scores = TextHeadScores.of(model, seqs);
        double[][] prev = new double[c.nLayers()][c.nHeads()], dup = new double[c.nLayers()][c.nHeads()];
        int prevCount = 0, dupCount = 0;
        for (int[] x : seqs) {
            int t = x.length;
            Map<String, Tensor> cache = model.run(new int[][] {x}, Hooks.caching(n -> n.endsWith("hook_pattern"))).cache();
            for (int i = 1; i < t; i++) {
                prevCount++;
                boolean has = false;
                for (int j = 0; j < i; j++) has |= x[j] == x[i];
                if (has) dupCount++;
            }
            for (int l = 0; l < c.nLayers(); l++) {
                Tensor a = cache.get("blocks." + l + ".attn.hook_pattern"); // [1, H, T, T]
                for (int h = 0; h < c.nHeads(); h++) {
                    for (int i = 1; i < t; i++) {
                        prev[l][h] += a.get(0, h, i, i - 1);
                        for (int j = 0; j < i; j++) if (x[j] == x[i]) dup[l][h] += a.get(0, h, i, j);
                    }
                }
            }
        }
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                assertEquals(prev[l][h] / prevCount, scores.previousToken()[l][h], 1e-6);
                assertEquals(dup[l][h] / dupCount, scores.duplicateToken()[l][h], 1e-6);
            }
        }
    }

    /** Induction on a real sentence followed by itself: the planted induction head wins, and [s, s] is required. */
    @Test
    void inductionOnRepeatedTextFindsThePlantedHead() {
        Transformer model = new Transformer(PlantedModel.twoLayer());
        int[][] repeated = new TextSample(TEXT).repeated(4, 2); // [0 1 2 1 0 1 2 1], [3 1 0 4 3 1 0 4]
        assertArrayEquals(new int[] {0, 1, 2, 1, 0, 1, 2, 1}, repeated[0]);
        HeadDetector d = HeadDetector.detect(model, repeated);
        double best = d.induction()[1][0];
        assertTrue(best > 0.5, "induction " + best);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) if (l != 1 || h != 0) assertTrue(d.induction()[l][h] < best, l + "." + h);
        }
        assertThrows(IllegalArgumentException.class, () -> HeadDetector.detect(model, new int[][] {TEXT}));
        // the random-token entry point is the same computation on its own sequences
        HeadDetector random = HeadDetector.detect(model, 4, 3, 5);
        assertArrayEquals(random.induction()[1], HeadDetector.detect(model, random.tokens()).induction()[1]);
    }

    @Test
    void iclPositionsAreThePapersOrAScaledOneToTen() {
        assertArrayEquals(new int[] {50, 500}, InContextLearning.positions(1024));
        assertArrayEquals(new int[] {50, 500}, InContextLearning.positions(502));
        assertArrayEquals(new int[] {49, 499}, InContextLearning.positions(501));
        assertArrayEquals(new int[] {6, 62}, InContextLearning.positions(64));
        assertArrayEquals(new int[] {0, 1}, InContextLearning.positions(3));
        assertThrows(IllegalArgumentException.class, () -> InContextLearning.positions(2));
    }

    /**
     * Zero layers, W_E = I, W_U = α·I: the logit of the next token y after x is α·[x = y], so the loss is
     * ln(e^α + V − 1) − α after a repeat and ln(e^α + V − 1) otherwise. Sequences repeat at the late index only: score −α.
     */
    @Test
    void iclScoreHasItsClosedFormOnABigramModel() {
        int v = 5, t = 12;
        double alpha = 1.7;
        Config c = new Config(0, v, 1, 1, t, v, Normalization.NONE, PositionalEmbedding.STANDARD, 1e-5, false);
        Map<String, Tensor> d = new LinkedHashMap<>();
        Weights.shapes(c).forEach((name, shape) -> d.put(name, Tensor.zeros(shape)));
        for (int i = 0; i < v; i++) {
            d.get("embed.W_E").set(1, i, i);
            d.get("unembed.W_U").set((float) alpha, i, i);
        }
        Transformer model = new Transformer(Weights.fromStateDict(c, d));
        int[] p = InContextLearning.positions(t); // (1, 10)
        int[][] seqs = {{0, 1, 2, 3, 4, 0, 1, 2, 3, 0, 4, 4}, {4, 3, 2, 1, 0, 4, 3, 2, 1, 4, 0, 0}, {1, 2, 3, 4, 0, 1, 2, 3, 4, 2, 3, 3}};
        InContextLearning icl = InContextLearning.measure(model, seqs, 2);
        assertEquals(1, icl.early());
        assertEquals(10, icl.late());
        assertEquals(p[1], icl.late());
        double z = Math.log(Math.exp((float) alpha) + v - 1);
        assertEquals(z, icl.earlyLoss(), 1e-5);
        assertEquals(z - (float) alpha, icl.lateLoss(), 1e-5);
        assertEquals(-alpha, icl.score(), 1e-5);
        assertEquals(3, icl.sequences());
    }

    @Test
    void snapshotScoresUseTextWhenGivenAndRefuseAnotherVocabulary() {
        Transformer model = new Transformer(PlantedModel.twoLayer());
        int[] ids = {0, 1, 2, 1, 3, 1, 0, 4, 5, 6, 7, 5, 6, 7, 2, 3, 1};
        SnapshotScores text = SnapshotScores.of(model, Optional.of(new TextSample(ids)), 4, 4, 1);
        assertTrue(text.text().isPresent() && text.repeatedText().isPresent());
        assertEquals(2, text.icl().sequences()); // two whole windows of n_ctx = 8
        assertArrayEquals(text.repeatedText().get().induction()[1], text.induction()[1]);
        assertArrayEquals(text.text().get().previousToken()[0], text.previousToken()[0]);

        SnapshotScores random = SnapshotScores.of(model, Optional.empty(), 4, 4, 1);
        assertTrue(random.text().isEmpty());
        assertArrayEquals(random.random().induction()[1], random.induction()[1]);
        // on [r, r] the planted induction head predicts the second copy: late loss (second half) below early (first half)
        assertTrue(random.icl().score() < 0, "icl " + random.icl().score());
        assertEquals(SnapshotScores.WINDOWS, random.icl().sequences(), "the ICL score averages over more sequences than batch");

        int[] text800 = new int[8 * 100];
        for (int i = 0; i < text800.length; i++) text800[i] = (i * 7 + i / 8) % 8;
        SnapshotScores many = SnapshotScores.of(model, Optional.of(new TextSample(text800)), 4, 4, 1);
        assertEquals(SnapshotScores.WINDOWS, many.icl().sequences(), "100 windows of n_ctx available, WINDOWS used");
        assertEquals(SnapshotScores.WINDOWS, many.repeatedText().get().tokens().length, "200 windows of n = 4 available, WINDOWS repeated");
        assertArrayEquals(TextHeadScores.of(model, new TextSample(text800).windows(8, SnapshotScores.WINDOWS)).previousToken()[0],
                many.previousToken()[0], "the previous-token score over the same WINDOWS windows");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotScores.of(model, Optional.of(new TextSample(new int[] {1, 2, 8, 3, 4, 5, 6, 7})), 4, 4, 1));
        assertTrue(e.getMessage().contains("token id 8") && e.getMessage().contains("d_vocab is 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotScores.of(model, Optional.of(new TextSample(new int[] {1, 2, 3})), 4, 4, 1));
    }
}
