package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element-wise closeness of a kernel's output to its twin's: |actual − expected| ≤ tol·(1 + |expected|). */
final class NearTwin {
    private NearTwin() {}

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            int at = i;
            assertTrue(err <= tol * (1 + Math.abs(expected[i])), () -> what + " at " + at + ": " + actual[at] + " vs twin " + expected[at]);
        }
    }
}
