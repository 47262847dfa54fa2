package org.vecformer.model.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vecformer.engine.linalg.FactoredMatrix;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.PositionalEmbedding;

class PositionalQkTest {
    @Test
    void centringSubtractsEachRowsCausalMeanAndZeroesTheFuture() {
        double[][] m = {{5, 9, 9}, {1, 3, 9}, {2, 4, 9}};
        double[][] c = PositionalQk.centredCausalRows(m);
        assertArrayEquals(new double[] {0, 0, 0}, c[0], 0);
        assertArrayEquals(new double[] {-1, 1, 0}, c[1], 0);
        assertArrayEquals(new double[] {-3, -1, 4}, c[2], 0);
    }

    /** Centring shifts a row by a constant, so differences and each row's argmax over k ≤ q are the raw circuit's. */
    @Test
    void ofKeepsTheRawDifferencesAndCountsRowsWhoseMaximumIsThePreviousPosition() {
        Circuits circuits = new Circuits(CircuitWeights.of(RandomModels.random(
                RandomModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true), 7)));
        FactoredMatrix raw = circuits.positionalQk(1, 2);
        for (int shown : new int[] {5, 64}) {
            PositionalQk qk = PositionalQk.of(circuits, 1, 2, shown);
            int n = Math.min(shown, raw.rows());
            assertEquals(n, qk.shown());
            assertEquals(raw.rows(), qk.positions());
            int previous = 0;
            double max = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 0; j <= i; j++) {
                    assertEquals(raw.get(i, j) - raw.get(i, 0), qk.centred()[i][j] - qk.centred()[i][0], 1e-9);
                    if (raw.get(i, j) > raw.get(i, best)) best = j;
                    max = Math.max(max, Math.abs(qk.centred()[i][j]));
                }
                for (int j = i + 1; j < n; j++) assertEquals(0, qk.centred()[i][j]);
                if (i > 0 && best == i - 1) previous++;
            }
            assertEquals(previous, qk.previousTokenRows());
            assertEquals(max, qk.maxAbs(), 0);
        }
    }
}
