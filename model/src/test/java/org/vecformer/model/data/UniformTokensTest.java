package org.vecformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Uniform random tokens: seeded (same seed, same batches), in range, and every id turns up with about equal frequency. */
class UniformTokensTest {
    @Test
    void sameSeedSameBatchesOtherSeedOthers() {
        Batch a = new UniformTokens(17, 9, 5).next(4), b = new UniformTokens(17, 9, 5).next(4);
        assertArrayEquals(a.tokens(), b.tokens());
        assertFalse(Arrays.equals(a.tokens(), new UniformTokens(17, 9, 6).next(4).tokens()));
        assertEquals(4 * 10, a.tokens().length);
    }

    @Test
    void tokensCoverTheVocabularyEvenly() {
        int v = 7, n = 2000;
        int[] counts = new int[v];
        for (int t : new UniformTokens(v, 9, 3).next(n).tokens()) {
            assertTrue(t >= 0 && t < v, "token " + t);
            counts[t]++;
        }
        double expected = n * 10.0 / v;  // 20000 draws: a count's sd is ~ sqrt(expected) ≈ 53
        for (int c : counts) assertEquals(expected, c, 6 * Math.sqrt(expected), Arrays.toString(counts));
    }
}
