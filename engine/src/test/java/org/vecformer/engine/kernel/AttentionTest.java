package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefAttention;

/**
 * Fused causal attention against its double-precision twin on awkward sizes, with Q/K/V as column blocks of one
 * fused [T, 3·H·D] buffer (nonzero offsets, ld wider than the row); the fused, pattern and decode paths against
 * each other; and the same bits for 1, 2 and 3 threads.
 */
@Tag("kernel")
class AttentionTest {
    private static final float Z_TOL = 2e-5f, PATTERN_TOL = 1e-5f;

    /** A fused QKV buffer [t, ld] with ld = 3·H·D + 5, q at column 2, k and v after it; z [t, H·D + 3] at offset 1. */
    record Case(int t, int heads, int d, float[] qkv, int ld, int ldz) {
        static Case random(long seed, int t, int heads, int d) {
            Random rnd = new Random(seed);
            int width = heads * d, ld = 3 * width + 5;
            float[] qkv = new float[t * ld + 2];
            for (int i = 0; i < qkv.length; i++) qkv[i] = (rnd.nextFloat() * 2 - 1) * 3;
            return new Case(t, heads, d, qkv, ld, width + 3);
        }

        int qOff() { return 2; }
        int kOff() { return 2 + heads * d; }
        int vOff() { return 2 + 2 * heads * d; }
        float[] newZ() { return new float[1 + t * ldz]; }
        float[] newPattern() { return new float[4 + heads * t * t]; }
    }

    static IntStream lengths() {
        int l = Simd.LANES, qt = Attention.QUERY_TILE, kt = Attention.KEY_TILE;
        return IntStream.of(1, 2, 3, l - 1, l, l + 1, qt - 1, qt, qt + 1, kt - 1, kt, kt + 1, 257)
                .filter(n -> n >= 1).distinct().sorted();
    }

    @Test
    void causalMatchesTwinWithAndWithoutPattern() {
        for (int d : new int[] {1, 8, 13, 64}) {
            for (int heads : new int[] {1, 3}) {
                lengths().forEach(t -> {
                    Case c = Case.random(31L * t + d + heads, t, heads, d);
                    float[] zRef = c.newZ(), pRef = c.newPattern();
                    RefAttention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, zRef, 1, c.ldz, pRef, 4);
                    float[] z = c.newZ(), zp = c.newZ(), pattern = c.newPattern();
                    Attention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, z, 1, c.ldz, null, 0);
                    Attention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, zp, 1, c.ldz, pattern, 4);
                    String what = "t=" + t + " heads=" + heads + " d=" + d;
                    assertClose(zRef, z, Z_TOL, what);
                    assertArrayEquals(z, zp, what + ": z does not depend on whether the pattern is written");
                    assertClose(pRef, pattern, PATTERN_TOL, what + " pattern");
                });
            }
        }
    }

    @Test
    void decodeInChunksAndStepsMatchesPrefill() {
        int heads = 2, t = Attention.QUERY_TILE + Attention.KEY_TILE + 7;
        for (int d : new int[] {8, 13, 64}) {
            Case c = Case.random(99 + d, t, heads, d);
            float[] zFull = c.newZ(), pFull = c.newPattern();
            Attention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, zFull, 1, c.ldz, pFull, 4);
            float[] z = c.newZ();
            int[] chunks = {Attention.QUERY_TILE + 3, 5, Simd.LANES + 2, 1, 1, 1};
            int p = 0;
            for (int step = 0; p < t; step++) {
                int nq = Math.min(t - p, step < chunks.length ? chunks[step] : 1);
                float[] pattern = new float[heads * nq * (p + nq)];
                Attention.decode(p, nq, heads, d, c.qkv, c.qOff() + p * c.ld, c.ld, c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld,
                        z, 1 + p * c.ldz, c.ldz, pattern, 0);
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < nq; i++) {
                        for (int j = 0; j < t; j++) {
                            float expected = pFull[4 + (h * t + p + i) * t + j];
                            float got = j < p + nq ? pattern[(h * nq + i) * (p + nq) + j] : 0f;
                            if (Math.abs(expected - got) > PATTERN_TOL) {
                                fail("d=" + d + " p=" + p + " nq=" + nq + " head " + h + " query " + i + " key " + j + ": " + got + " vs " + expected);
                            }
                        }
                    }
                }
                p += nq;
            }
            assertClose(zFull, z, Z_TOL, "d=" + d + " decoded step by step");
        }
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        int before = Parallel.threads();
        try {
            for (int[] shape : new int[][] {{257, 3, 13}, {130, 4, 64}, {Simd.LANES - 1, 5, 8}}) {
                int t = shape[0], heads = shape[1], d = shape[2];
                Case c = Case.random(t, t, heads, d);
                float[][] runs = new float[3][];
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] z = c.newZ(), pattern = c.newPattern();
                    Attention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, z, 1, c.ldz, pattern, 4);
                    runs[threads - 1] = SoftmaxTest.concat(z, pattern);
                }
                assertArrayEquals(runs[0], runs[1], "t=" + t);
                assertArrayEquals(runs[0], runs[2], "t=" + t);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void patternRowsSumToOneAndEmptyCallsWriteNothing() {
        int t = 70, heads = 2, d = 16;
        Case c = Case.random(5, t, heads, d);
        float[] z = c.newZ(), pattern = c.newPattern();
        Attention.causal(t, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, z, 1, c.ldz, pattern, 4);
        for (int r = 0; r < heads * t; r++) {
            double sum = 0;
            for (int j = 0; j < t; j++) sum += pattern[4 + r * t + j];
            assertEquals(1.0, sum, 1e-5, "pattern row " + r);
        }
        float[] untouched = c.newZ();
        Attention.causal(0, heads, d, c.qkv, c.qOff(), c.qkv, c.kOff(), c.qkv, c.vOff(), c.ld, untouched, 1, c.ldz, null, 0);
        assertArrayEquals(c.newZ(), untouched, 0f);
    }

    private static void assertClose(float[] expected, float[] got, float tol, String what) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= tol)) fail(what + " at " + i + ": " + got[i] + " vs " + expected[i]);
        }
    }
}
