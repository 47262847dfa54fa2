package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vecformer.model.data.BigramChain;
import org.vecformer.model.data.RepeatedTokens;
import org.vecformer.model.data.SkipTrigrams;
import org.vecformer.model.transformer.Transformer;

/**
 * The behaviour readings the demo prints, on zero-layer models whose logits after token a are a chosen table row
 * ({@link DirectModels}), so every expected value is a closed form computed here in double.
 */
class ModelReadingsTest {
    private static final int V = 8, CTX = 16;

    private static Transformer direct(double[] table) {
        return DirectModels.of(V, CTX, table);
    }

    @Test
    void bigramTableOfTheTrueLogProbabilitiesIsTheChain() {
        BigramChain chain = BigramChain.random(V, 0.7, 5);
        double[] log = new double[V * V];
        for (int i = 0; i < log.length; i++) log[i] = Math.log(chain.transition()[i]);
        BigramTable t = BigramTable.of(direct(log), chain);
        for (int a = 0; a < V; a++) assertArrayEquals(t.truth()[a], t.model()[a], 1e-6);
        assertEquals(0, t.meanKl(), 1e-6);
        assertEquals(1, t.logProbCorrelation(), 1e-9);
    }

    /** Logits 2 ln P: the model's row is P²/ΣP², its KL and log-probability correlation closed forms of P. */
    @Test
    void bigramTableOfSquaredProbabilitiesMatchesTheClosedForm() {
        BigramChain chain = BigramChain.random(V, 1.3, 6);
        double[] twice = new double[V * V];
        for (int i = 0; i < twice.length; i++) twice[i] = 2 * Math.log(chain.transition()[i]);
        BigramTable t = BigramTable.of(direct(twice), chain);
        double kl = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int n = V * V;
        for (int a = 0; a < V; a++) {
            double z = 0;
            for (int b = 0; b < V; b++) z += Math.pow(chain.probability(a, b), 2);
            for (int b = 0; b < V; b++) {
                double p = chain.probability(a, b), q = p * p / z, x = Math.log(p), y = Math.log(q);
                assertEquals(q, t.model()[a][b], 1e-6);
                kl += p * Math.log(p / q) / V;
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
        }
        assertEquals(kl, t.meanKl(), 1e-5);
        assertEquals((n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy)), t.logProbCorrelation(), 1e-6);
    }

    /** After B = 1 the model gives P(2) = 0.6 and P(4) = 0.1 whatever came before: the prediction of each triple is its row. */
    @Test
    void plantedPredictionIsTheModelsProbabilityOfCAtB() {
        double[] table = new double[V * V];
        double[] row = {0.05, 0.05, 0.6, 0.05, 0.1, 0.05, 0.05, 0.05};
        for (int o = 0; o < V; o++) table[V + o] = Math.log(row[o]);
        SkipTrigrams planted = new SkipTrigrams(V, List.of(new SkipTrigrams.Triple(0, 1, 2), new SkipTrigrams.Triple(3, 1, 4)), new int[] {5, 6, 7});
        List<PlantedPrediction> p = PlantedPrediction.of(direct(table), planted, 5, 9);
        assertEquals(planted.triples(), p.stream().map(PlantedPrediction::triple).toList());
        assertEquals(0.6, p.get(0).meanProbability(), 1e-6);
        assertEquals(1, p.get(0).top1Share(), 1e-12);
        assertEquals(0.1, p.get(1).meanProbability(), 1e-6);
        assertEquals(0, p.get(1).top1Share());
    }

    @Test
    void repeatedHalvesLossIsTheCrossEntropyOfEachTargetAveragedPerHalf() {
        SplittableRandom rnd = new SplittableRandom(4);
        double[] table = new double[V * V];
        for (int i = 0; i < table.length; i++) table[i] = 2 * rnd.nextGaussian();
        RepeatedTokens rep = RepeatedTokens.sample(V, CTX, 3, 8);
        RepeatedHalvesLoss loss = RepeatedHalvesLoss.of(direct(table), rep);
        int[] in = rep.batch().inputs(), target = rep.batch().targets();
        boolean[] first = rep.firstHalf(), repeated = rep.repeatedHalf();
        double sumFirst = 0, sumRepeated = 0;
        int nFirst = 0, nRepeated = 0;
        for (int i = 0; i < in.length; i++) {
            double z = 0;
            for (int o = 0; o < V; o++) z += Math.exp(table[in[i] * V + o]);
            double expected = Math.log(z) - table[in[i] * V + target[i]];
            assertEquals(expected, loss.perTarget()[i], 1e-5, "target " + i);
            if (first[i]) {
                sumFirst += expected;
                nFirst++;
            }
            if (repeated[i]) {
                sumRepeated += expected;
                nRepeated++;
            }
        }
        assertEquals(sumFirst / nFirst, loss.firstHalves(), 1e-5);
        assertEquals(sumRepeated / nRepeated, loss.repeatedHalves(), 1e-5);
    }
}
