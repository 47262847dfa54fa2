package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BigramTaskTest {
    @Test
    void rowsArePeakedDistributionsButNotOneHot() {
        BigramChain chain = BigramChain.random(20, 0.5, 3);
        for (int a = 0; a < 20; a++) {
            double sum = 0, max = 0;
            for (int b = 0; b < 20; b++) {
                sum += chain.probability(a, b);
                max = Math.max(max, chain.probability(a, b));
            }
            assertEquals(1, sum, 1e-12);
            assertTrue(max > 2.0 / 20 && max < 0.99, "row " + a + " max " + max);
        }
    }

    @Test
    void empiricalTransitionFrequenciesMatchTheChain() {
        int v = 5;
        BigramChain chain = BigramChain.random(v, 1.0, 4);
        Batch batch = new BigramTask(chain, 63, 5).next(400);
        long[] counts = new long[v * v];
        long[] rows = new long[v];
        for (int s = 0; s < batch.size(); s++) {
            for (int i = 0; i < batch.nCtx(); i++) {
                counts[batch.token(s, i) * v + batch.token(s, i + 1)]++;
                rows[batch.token(s, i)]++;
            }
        }
        for (int a = 0; a < v; a++) {
            for (int b = 0; b < v; b++) {
                double p = chain.probability(a, b), f = (double) counts[a * v + b] / rows[a];
                double sigma = Math.sqrt(p * (1 - p) / rows[a]);
                assertTrue(Math.abs(f - p) < 5 * sigma + 1e-3, a + "->" + b + ": frequency " + f + " vs " + p);
            }
        }
    }

    @Test
    void meanKlIsZeroForTheTruthAndMatchesAHandComputation() {
        BigramChain chain = new BigramChain(2, new double[] {0.75, 0.25, 0.5, 0.5});
        assertEquals(0, chain.meanKl(new float[] {0.75f, 0.25f, 0.5f, 0.5f}), 1e-12);
        double row0 = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
        assertEquals(row0 / 2, chain.meanKl(new float[] {0.5f, 0.5f, 0.5f, 0.5f}), 1e-12);
    }
}
