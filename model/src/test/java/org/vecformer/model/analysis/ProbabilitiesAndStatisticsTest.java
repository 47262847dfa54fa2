package org.vecformer.model.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbabilitiesAndStatisticsTest {
    @Test
    void softmaxOfLogWeightsIsTheNormalisedWeightsAtAnyOffsetAndShift() {
        float[] x = {99, (float) Math.log(1), (float) Math.log(2), (float) Math.log(3), 99};
        assertArrayEquals(new double[] {1 / 6.0, 2 / 6.0, 3 / 6.0}, Probabilities.softmax(x, 1, 3), 1e-7);
        float[] shifted = {1000, 1000 + (float) Math.log(3)}; // exp(1000) overflows: only the shifted form stays finite
        assertArrayEquals(new double[] {0.25, 0.75}, Probabilities.softmax(shifted, 0, 2), 1e-4);
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(1, Probabilities.argmax(new float[] {0, 5, 1, 5, 9}, 0, 4));
        assertEquals(1, Probabilities.argmax(new float[] {9, 0, 5, 1, 5}, 1, 4), "counted from off");
        assertEquals(1, Statistics.argmax(new double[] {-1, 3, 3, 2}));
    }

    @Test
    void pearsonMatchesHandComputedCases() {
        double[] x = {1, 2, 3, 4};
        assertEquals(1, Statistics.pearson(x, new double[] {3, 5, 7, 9}), 1e-15);
        assertEquals(-1, Statistics.pearson(x, new double[] {0, -1, -2, -3}), 1e-15);
        // x = 1,2,3 and y = 1,3,2: deviations (−1,0,1)·(−1,1,0) = 1, Σdx² = Σdy² = 2, r = 1/2
        assertEquals(0.5, Statistics.pearson(new double[] {1, 2, 3}, new double[] {1, 3, 2}), 1e-15);
        assertTrue(Double.isNaN(Statistics.pearson(x, new double[] {2, 2, 2, 2})), "a constant sample has no correlation");
        assertThrows(IllegalArgumentException.class, () -> Statistics.pearson(x, new double[] {1}));
    }

    @Test
    void maskedMeanAveragesOnlyTheMarkedValues() {
        assertEquals(5, Statistics.mean(new double[] {1, 4, 100, 6}, new boolean[] {false, true, false, true}), 0);
        assertEquals(0, Statistics.mean(new double[] {1, 2}, new boolean[] {false, false}), 0);
    }

    @Test
    void emaStartsAtTheFirstValueAndWeighsThePastByW() {
        assertArrayEquals(new double[] {4, 0.9 * 4 + 0.1 * 2, 0.9 * (0.9 * 4 + 0.1 * 2) + 0.1 * 3}, Statistics.ema(new double[] {4, 2, 3}, 0.9), 1e-15);
        assertArrayEquals(new double[] {1, 2, 3}, Statistics.ema(new double[] {1, 2, 3}, 0), 0, "w = 0: the series itself");
        assertArrayEquals(new double[0], Statistics.ema(new double[0], 0.5));
    }
}
