package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.ScalarOps;

/** The decode row path's inner products against plain double loops, at offsets and on awkward lengths, under every species. */
@Tag("kernel")
class AttentionRowTest {
    @Test
    void dotMatchesTheDoubleTwin() {
        Random rnd = new Random(21);
        Lengths.awkward().filter(d -> d >= 1).forEach(d -> {
            float[] q = Lengths.random(rnd, d, 3), k = Lengths.random(rnd, d, 5);
            double expected = ScalarOps.dot(d, q, 3, k, 5);
            assertEquals(expected, AttentionRow.dot(d, q, 3, k, 5), 1e-5 * (1 + Math.sqrt(d)), "d=" + d);
        });
    }

    @Test
    void sumLanesAddsEveryLaneOnce() {
        float[] lanes = new float[Simd.LANES];
        for (int i = 0; i < lanes.length; i++) lanes[i] = 1 << i;
        // distinct powers of two: any lane missed or added twice changes the exact sum 2^L - 1
        assertEquals((1 << Simd.LANES) - 1, VectorOps.sumLanesPairwise(FloatVector.fromArray(Simd.F, lanes, 0)), 0f);
    }

    @Test
    void weightedRowsMatchTheDoubleTwinAndLeaveOtherColumnsAlone() {
        Random rnd = new Random(22);
        int ld = 4 * Simd.LANES + 9;
        for (int d : new int[] {1, 8, 13, Simd.LANES - 1, 4 * Simd.LANES, 4 * Simd.LANES + 3}) {
            if (d < 1 || d > ld - 2) continue;
            Lengths.awkward().filter(n -> n <= 257).forEach(n -> {
                float[] w = Lengths.random(rnd, n, 0), v = Lengths.random(rnd, n * ld, 2);
                float[] z = new float[d + 4];
                z[0] = 7f;
                z[d + 1] = 9f;
                AttentionRow.weightedRows(n, w, v, 2 + 1, ld, d, z, 1);
                for (int e = 0; e < d; e++) {
                    double expected = 0;
                    for (int j = 0; j < n; j++) expected += (double) w[j] * v[2 + 1 + j * ld + e];
                    assertEquals(expected, z[1 + e], 1e-5 * (1 + Math.sqrt(n)), "d=" + d + " n=" + n + " e=" + e);
                }
                assertEquals(7f, z[0], 0f);
                assertEquals(9f, z[d + 1], 0f);
            });
        }
    }
}
