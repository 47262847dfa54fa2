package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.RefGemm;

/** GEMM against its double-accumulating twin, every transpose pair, strided views, BLAS beta. */
@Tag("kernel")
class GemmTest {
    @Test
    void matchesTwinOnAwkwardShapes() {
        Random rnd = new Random(7);
        int[] sizes = {0, 1, 3, 17, 33};
        for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values())
            for (int m : sizes) for (int n : sizes) for (int k : sizes) check(rnd, ta, tb, m, n, k, 0.5f, m % 2 == 0 ? 0f : 0.25f);
    }

    private static void check(Random rnd, Transpose ta, Transpose tb, int m, int n, int k, float alpha, float beta) {
        int lda = (ta == Transpose.N ? k : m) + 2, ldb = (tb == Transpose.N ? n : k) + 1, ldc = n + 3;
        float[] a = Lengths.random(rnd, (ta == Transpose.N ? m : k) * lda, 1);
        float[] b = Lengths.random(rnd, (tb == Transpose.N ? k : n) * ldb, 2);
        float[] c = Lengths.random(rnd, m * ldc, 3);
        if (beta == 0) for (int i = 3; i < c.length; i += 2) c[i] = Float.NaN;
        float[] expected = c.clone();
        RefGemm.sgemm(ta, tb, m, n, k, alpha, a, 1, lda, b, 2, ldb, beta, expected, 3, ldc);
        Gemm.sgemm(ta, tb, m, n, k, alpha, a, 1, lda, b, 2, ldb, beta, c, 3, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = 3 + i * ldc + j;
                assertEquals(expected[at], c[at], 1e-5 * (k + 1), ta + "" + tb + " " + m + "x" + n + "x" + k + " at " + i + "," + j);
            }
        }
    }
}
