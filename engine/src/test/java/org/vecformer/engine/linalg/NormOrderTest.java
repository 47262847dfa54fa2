package org.vecformer.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PrunedTopK#byNormDescending} against a boxed sort with the same order: norm descending by {@link Double#compare},
 * ties by position; with ties, signed zeros, negatives, infinities and NaN, though norms are never negative.
 */
class NormOrderTest {
    @Test
    void sortsByNormDescendingThenPositionLikeABoxedSort() {
        Random rnd = new Random(7);
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 65, 1000, 4099}) {
            double[] norm = new double[n];
            for (int i = 0; i < n; i++) {
                // few distinct values (many ties), exact zeros, and a spread of magnitudes
                norm[i] = switch (rnd.nextInt(8)) {
                    case 0 -> 0.0;
                    case 1 -> rnd.nextInt(5);
                    case 2 -> -0.0; // below +0.0 for Double.compare
                    case 3 -> n % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NaN; // NaN above everything
                    case 4 -> -Math.exp(3 * rnd.nextGaussian());
                    default -> Math.exp(3 * rnd.nextGaussian());
                };
            }
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) boxed[i] = i;
            Arrays.sort(boxed, Comparator.<Integer>comparingDouble(i -> norm[i]).reversed().thenComparing(Comparator.naturalOrder()));
            assertArrayEquals(Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), PrunedTopK.byNormDescending(norm), "n = " + n);
        }
    }
}
