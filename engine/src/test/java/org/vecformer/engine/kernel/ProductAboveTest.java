package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vecformer.engine.reference.RefProductAbove;

/** The fused product-and-threshold kernel against its double-accumulating twin, on awkward shapes and strides. */
@Tag("kernel")
class ProductAboveTest {
    static IntStream lengths() {
        return Lengths.awkward().filter(n -> n <= 257);
    }

    private static int[] hits(boolean simd, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float t) {
        int[] out = new int[m * n];
        int count = simd ? ProductAbove.above(m, n, k, a, 3, lda, b, 2, ldb, t, out)
                : RefProductAbove.above(m, n, k, a, 3, lda, b, 2, ldb, t, out);
        return Arrays.copyOf(out, count);
    }

    /**
     * Same hits as the twin, except entries within the float error bound (k + 1)·2⁻²⁴·Σ|a·b| of the
     * threshold, which may go either way; and in row-major order.
     */
    @ParameterizedTest
    @MethodSource("lengths")
    void matchesTheTwinUpToFloatRounding(int n) {
        Random rnd = new Random(500 + n);
        for (int m : new int[] {0, 1, 3, 4, 5, 9, 13}) {
            for (int k : new int[] {0, 1, 7, 64}) {
                int lda = k + 2, ldb = n + 3;
                float[] a = Lengths.random(rnd, m * lda, 3), b = Lengths.random(rnd, k * ldb, 2);
                for (float t : new float[] {Float.NEGATIVE_INFINITY, 0f, 0.3f * (float) Math.sqrt(k)}) {
                    int[] simd = hits(true, m, n, k, a, lda, b, ldb, t), twin = hits(false, m, n, k, a, lda, b, ldb, t);
                    int[] sorted = simd.clone();
                    Arrays.sort(sorted);
                    assertArrayEquals(sorted, simd, "row-major order");
                    Set<Integer> got = new HashSet<>(), expected = new HashSet<>();
                    for (int h : simd) got.add(h);
                    for (int h : twin) expected.add(h);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0, abs = 0;
                            for (int p = 0; p < k; p++) {
                                double x = (double) a[3 + i * lda + p] * b[2 + p * ldb + j];
                                s += x;
                                abs += Math.abs(x);
                            }
                            if (Math.abs(s - t) <= (k + 1) * 0x1p-24 * abs) continue;
                            int flat = i * n + j;
                            assertEquals(expected.contains(flat), got.contains(flat), "m=" + m + " n=" + n + " k=" + k + " t=" + t + " at " + i + "," + j);
                        }
                    }
                    if (t == Float.NEGATIVE_INFINITY) assertEquals(m * n, simd.length, "every finite entry is above -inf");
                }
            }
        }
    }

    @Test
    void plantedEntriesAreFoundAndNaNIsNeverReported() {
        int m = 6, n = 3 * Simd.LANES + 5, k = 3;
        float[] a = new float[m * k], b = new float[k * n];
        a[2 * k + 1] = 2f; // row 2 = 2·e1
        b[n + 7] = 3f; // column 7 = 3·e1, so (2, 7) = 6 and every other entry is 0
        b[2 * n + n - 1] = Float.NaN; // column n-1 is NaN in every row through p = 2
        int[] out = new int[m * n];
        assertEquals(1, ProductAbove.above(m, n, k, a, 0, k, b, 0, n, 5.5f, out));
        assertEquals(2 * n + 7, out[0]);
        int all = ProductAbove.above(m, n, k, a, 0, k, b, 0, n, Float.NEGATIVE_INFINITY, out);
        assertEquals(m * (n - 1), all, "every entry but the NaN column");
        for (int h = 0; h < all; h++) assertTrue(out[h] % n != n - 1);
    }
}
