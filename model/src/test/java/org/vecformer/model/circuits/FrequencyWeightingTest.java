package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.engine.linalg.Matrix;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;

/** Frequency-weighted circuits: f(t) from counts, and the weighted circuits as the unweighted ones scaled by f. */
class FrequencyWeightingTest {
    @Test
    void weightsAreAddOneCountsOverTheLargest() {
        TokenFrequency f = TokenFrequency.of(new int[] {2, 2, 2, 0, 2, 1}, 4); // counts 1, 1, 4, 0
        assertArrayEquals(new long[] {1, 1, 4, 0}, f.counts());
        assertArrayEquals(new double[] {2 / 5.0, 2 / 5.0, 1.0, 1 / 5.0}, f.weights(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TokenFrequency.of(new int[] {4}, 4));
        // 6 tokens: a share of 0.5 needs 3 occurrences (token 2); 0.01 needs the floor of 2 (none but token 2: 0 and 1 occur once)
        assertArrayEquals(new int[] {2}, f.used(0.5));
        assertArrayEquals(new int[] {2}, f.used(0.01));
        assertArrayEquals(new int[] {0, 1, 2}, TokenFrequency.of(new int[] {0, 0, 1, 1, 2, 2, 2, 3}, 4).used(0.25));
    }

    @Test
    void weightedQkIsScaledByBothTokensAndOvBySourceOnly() {
        Config c = RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
        CircuitWeights plain = CircuitWeights.of(RandomModels.random(c, 11));
        int[] ids = new int[60];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * i) % 7; // ids 0..6 only, unevenly
        double[] f = TokenFrequency.of(ids, c.dVocab()).weights();
        Circuits a = new Circuits(plain), b = new Circuits(plain.weightEmbedding(f));
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                Matrix qk = a.qkCircuit(l, h).materialize(), wqk = b.qkCircuit(l, h).materialize();
                Matrix ov = a.ovCircuit(l, h).materialize(), wov = b.ovCircuit(l, h).materialize();
                for (int d = 0; d < c.dVocab(); d++) {
                    for (int s = 0; s < c.dVocab(); s++) {
                        assertEquals(f[d] * f[s] * qk.get(d, s), wqk.get(d, s), 1e-5 * (1 + Math.abs(qk.get(d, s))));
                        assertEquals(f[d] * ov.get(d, s), wov.get(d, s), 1e-5 * (1 + Math.abs(ov.get(d, s))));
                    }
                }
                // the weighted top entry is the largest f(d)·f(s)·QK over the dense matrix
                FactoredMatrix.Entry top = b.qkCircuit(l, h).topK(1).getFirst();
                double best = Double.NEGATIVE_INFINITY;
                for (int d = 0; d < c.dVocab(); d++) for (int s = 0; s < c.dVocab(); s++) best = Math.max(best, f[d] * f[s] * qk.get(d, s));
                assertEquals(best, top.value(), 1e-5 * (1 + Math.abs(best)));
            }
        }
        assertEquals(a.copyingScore(1, 2), b.copyingScore(1, 2), 0);
    }
}
