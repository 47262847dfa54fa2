package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefGemm;

/**
 * GEMM against its double-accumulating twin: awkward sizes in every dimension, all four transpose pairs,
 * strided views at nonzero offsets, BLAS alpha/beta (beta = 0 over NaN), each path (dispatch, packed with
 * tiny and default blocking, small, and with op(B) packed ahead) on its own, bitwise equality across thread counts
 * and with B packed ahead, and argument checks.
 */
@Tag("kernel")
class GemmTest {
    private static final int[] SIZES = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 129};
    private static final int[] FEW = {0, 1, 2, 3, 7, 16, 17};
    /** Blocking so small that tiny products already span many k slices and row and column blocks. */
    private static final GemmBlocking TINY = new GemmBlocking(5, 2 * GemmBlocking.MR, 2 * GemmBlocking.NR);

    /** One way of computing C = alpha·op(A)·op(B) + beta·C with the public signature. */
    @FunctionalInterface
    private interface Sgemm {
        void run(Transpose ta, Transpose tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    }

    private static final Sgemm DISPATCH = Gemm::sgemm;
    private static final Sgemm SMALL = GemmSmall::sgemm;
    private static final Sgemm PACKED = (ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc) ->
            GemmPacked.sgemm(GemmBlocking.DEFAULT, ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc);
    private static final Sgemm PACKED_TINY = (ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc) ->
            GemmPacked.sgemm(TINY, ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc);
    /** Through the public entry with op(B) packed ahead ({@link OperandB#packed}); small shapes read it in place. */
    private static final Sgemm PACKED_AHEAD = (ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc) ->
            Gemm.sgemm(ta, m, n, k, al, a, ao, lda, OperandB.packed(tb, k, n, b, bo, ldb), be, c, co, ldc);
    /** The packed path with tiny blocking and op(B) packed ahead in the same tiny k slices. */
    private static final Sgemm PACKED_AHEAD_TINY = (ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc) ->
            GemmPacked.sgemm(TINY, ta, m, n, k, al, a, ao, lda, OperandB.packed(TINY, tb, k, n, b, bo, ldb, null), be, c, co, ldc);

    @Test
    void matchesTwinOnEverySmallShape() {
        Random rnd = new Random(7);
        for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values())
            for (int m : FEW) for (int n : FEW) for (int k : FEW) {
                float beta = (m + n + k) % 3 == 0 ? 0f : 0.25f;
                check(DISPATCH, rnd, ta, tb, m, n, k, 0.5f, beta);
            }
    }

    @Test
    void matchesTwinOnSampledAwkwardShapes() {
        Random rnd = new Random(11);
        for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values()) {
            for (int s = 0; s < 30; s++) {
                int m = pick(rnd), n = pick(rnd), k = pick(rnd);
                check(DISPATCH, rnd, ta, tb, m, n, k, 1.5f, s % 2 == 0 ? 0f : -1f);
            }
            for (int size : SIZES) {
                check(DISPATCH, rnd, ta, tb, size, 17, 33, 1f, 0f);
                check(DISPATCH, rnd, ta, tb, 33, size, 17, 1f, 0.5f);
                check(DISPATCH, rnd, ta, tb, 17, 33, size, -1f, 1f);
            }
        }
    }

    @Test
    void everyPathMatchesTwinOnItsOwn() {
        Random rnd = new Random(13);
        for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values())
            for (int s = 0; s < 25; s++) {
                int m = 1 + pick(rnd) % 70, n = 1 + pick(rnd) % 130, k = 1 + pick(rnd);
                float beta = s % 3 == 0 ? 0f : 0.75f;
                check(SMALL, rnd, ta, tb, m, n, k, 0.5f, beta);
                check(PACKED, rnd, ta, tb, m, n, k, 0.5f, beta);
                check(PACKED_TINY, rnd, ta, tb, m, n, k, 0.5f, beta);
                check(PACKED_AHEAD, rnd, ta, tb, m, n, k, 0.5f, beta);
                check(PACKED_AHEAD_TINY, rnd, ta, tb, m, n, k, 0.5f, beta);
            }
    }

    /**
     * op(B) packed once holds exactly the panels each product would have packed for itself: the same bits on one, two
     * and three threads, for one and several k slices (odd depths too), row and column splits and the shared-A path.
     */
    @Test
    void operandPackedAheadGivesTheBitsOfPackingPerProduct() {
        Random rnd = new Random(37);
        int before = Parallel.threads();
        try {
            int[][] shapes = {{131, 203, 700}, {97, 300, 41}, {40, 50, 60}, {70, 1100, 300}, {300, 70, 1500}, {5, 129, 33}};
            for (int[] s : shapes) for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values()) {
                float[][] in = operands(rnd, ta, tb, s[0], s[1], s[2], 0.5f);
                for (int t = 1; t <= 3; t++) {
                    Parallel.setThreads(t);
                    for (Sgemm[] pair : new Sgemm[][] {{DISPATCH, PACKED_AHEAD}, {PACKED_TINY, PACKED_AHEAD_TINY}}) {
                        float[] perProduct = in[2].clone(), ahead = in[2].clone();
                        run(pair[0], ta, tb, s[0], s[1], s[2], 1.25f, in[0], in[1], 0.5f, perProduct);
                        run(pair[1], ta, tb, s[0], s[1], s[2], 1.25f, in[0], in[1], 0.5f, ahead);
                        assertArrayEquals(perProduct, ahead, ta + "" + tb + " " + s[0] + "x" + s[1] + "x" + s[2] + " with " + t + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A weight packed again after an update into the panels of its retired packing gives the product of a fresh
     * packing, bit for bit, both ways round; a retired operand of another size (or one read in place) is not reused.
     */
    @Test
    void repackingIntoRetiredPanelsGivesTheProductOfAFreshPacking() {
        Random rnd = new Random(29);
        int m = 37, n = 70, k = 45;
        for (Transpose tb : Transpose.values()) {
            int ldb = ldb(tb, n, k);
            float[] before = Lengths.random(rnd, (tb == Transpose.N ? k : n) * ldb, 4), after = Lengths.random(rnd, before.length, 5);
            float[] a = Lengths.random(rnd, m * k, 6);
            OperandB fresh = OperandB.packed(tb, k, n, after, 0, ldb);
            for (OperandB retired : new OperandB[] {OperandB.packed(tb, k, n, before, 0, ldb), OperandB.packed(tb, k, n - 17, before, 0, ldb),
                    OperandB.inPlace(tb, k, n, before, 0, ldb), null}) {
                OperandB repacked = OperandB.packed(tb, k, n, after, 0, ldb, retired);
                float[] want = new float[m * n], got = new float[m * n];
                Gemm.sgemm(Transpose.N, m, n, k, 1f, a, 0, k, fresh, 0f, want, 0, n);
                Gemm.sgemm(Transpose.N, m, n, k, 1f, a, 0, k, repacked, 0f, got, 0, n);
                assertArrayEquals(want, got, tb + " retiring " + retired);
            }
        }
    }

    @Test
    void operandOfAnotherShapeOrSlicingIsRejected() {
        float[] x = new float[64];
        OperandB b = OperandB.packed(Transpose.N, 4, 8, x, 0, 8);
        assertRejected("gemm operand B is [4,8], the product needs op(B) [4,6]",
                () -> Gemm.sgemm(Transpose.N, 2, 6, 4, 1f, x, 0, 4, b, 0f, x, 0, 8));
        assertRejected("B [8,4] with ld=4 at offset 40 needs 72", () -> OperandB.inPlace(Transpose.T, 4, 8, x, 40, 4));
        assertRejected("ldb=3 < 8", () -> OperandB.packed(Transpose.N, 4, 8, x, 0, 3));
        assertRejected("B packed in k slices of 4, the blocking slices by 5",
                () -> GemmPacked.sgemm(TINY, Transpose.N, 2, 8, 12, 1f, new float[24], 0, 12,
                        OperandB.packed(new GemmBlocking(4, TINY.mc(), TINY.nc()), Transpose.N, 12, 8, new float[96], 0, 8, null), 0f, x, 0, 8));
    }

    @Test
    void matrixVectorShapes() {
        Random rnd = new Random(17);
        for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values())
            for (int size : SIZES) {
                check(DISPATCH, rnd, ta, tb, 1, size, 65, 1f, 0f);
                check(DISPATCH, rnd, ta, tb, 1, 129, size, 1f, 0.5f);
                check(DISPATCH, rnd, ta, tb, size, 1, 63, 2f, 0f);
                check(DISPATCH, rnd, ta, tb, 127, 1, size, 1f, -0.5f);
            }
    }

    /** Row-streaming x·M (large matrices) and register-blocked x·M sum each y[j] in one order: the same bits. */
    @Test
    void streamingAndRegisterMatrixVectorGiveTheSameBits() {
        Random rnd = new Random(29);
        for (int[] s : new int[][] {{130, 2100}, {7, 4099}, {4, 33}, {1, 17}, {0, 5}, {65, 2048}}) {
            int k = s[0], n = s[1], ld = n + 3, off = 5;
            float[] x = new float[k + 2], mat = new float[off + k * ld];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 2 - 1;
            for (int i = 0; i < mat.length; i++) mat[i] = rnd.nextFloat() * 2 - 1;
            for (int[] range : new int[][] {{0, n}, {Math.min(n, 3), n}}) {
                float[] streamed = new float[n], inRegisters = new float[n];
                GemmSmall.axpysStreaming(k, x, 2, mat, off, ld, range[0], range[1], streamed);
                GemmSmall.axpysInRegisters(k, x, 2, mat, off, ld, range[0], range[1], inRegisters);
                assertArrayEquals(inRegisters, streamed, k + "x" + n + " columns " + range[0] + ".." + range[1]);
            }
        }
        // and through the dispatch, above the streaming threshold, against the twin
        for (Transpose ta : Transpose.values()) {
            check(DISPATCH, rnd, ta, Transpose.N, 1, 2100, 131, 1f, 0.5f);
            check(DISPATCH, rnd, ta, Transpose.N, 1, 2100, 131, 1f, 0f);
        }
        assertTrue(2100L * 131 > GemmSmall.STREAM_FLOATS, "the dispatch case streams");
    }

    @Test
    void alphaZeroAndEmptyDepthOnlyScaleC() {
        Random rnd = new Random(19);
        for (float beta : new float[] {0f, 1f, 0.5f}) {
            check(DISPATCH, rnd, Transpose.N, Transpose.N, 33, 17, 0, 1f, beta);
            check(DISPATCH, rnd, Transpose.T, Transpose.N, 33, 17, 31, 0f, beta);
        }
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        Random rnd = new Random(23);
        int before = Parallel.threads();
        try {
            // packed with default blocking (several k slices and row blocks), packed tiny, small and matrix-vector;
            // 70x1100x300 splits C's columns over two and three threads, each wider than a B block (A's slices packed
            // once, shared), with a last micro-panel of A part filled
            int[][] shapes = {{131, 203, 700}, {97, 300, 41}, {40, 50, 60}, {1, 1500, 300}, {1000, 1, 70}, {5, 129, 33}, {70, 1100, 300}};
            for (int[] s : shapes) for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values()) {
                for (Sgemm path : new Sgemm[] {DISPATCH, PACKED_TINY}) {
                    float[][] in = operands(rnd, ta, tb, s[0], s[1], s[2], 0.5f);
                    float[] first = null;
                    for (int t = 1; t <= 3; t++) {
                        Parallel.setThreads(t);
                        float[] c = in[2].clone();
                        run(path, ta, tb, s[0], s[1], s[2], 1.25f, in[0], in[1], 0.5f, c);
                        if (first == null) first = c;
                        else assertArrayEquals(first, c, ta + "" + tb + " " + s[0] + "x" + s[1] + "x" + s[2] + " with " + t + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A part wider than one B block packs whole A slices (k outermost), a part one block wide packs A per
     * block (columns outermost): with the same kc both must sum every element in the same order.
     */
    @Test
    void loopOrderAndBlockSizesDoNotChangeBits() {
        Random rnd = new Random(29);
        GemmBlocking oneColumnBlock = new GemmBlocking(TINY.kc(), 3 * GemmBlocking.MR, 8 * GemmBlocking.NR);
        Sgemm perBlockOrder = (ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc) ->
                GemmPacked.sgemm(oneColumnBlock, ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            for (Transpose ta : Transpose.values()) for (Transpose tb : Transpose.values())
                for (int s = 0; s < 6; s++) {
                    // wider than TINY's nc (2 NR), narrower than oneColumnBlock's (8 NR)
                    int m = 1 + rnd.nextInt(60), n = 2 * GemmBlocking.NR + 1 + rnd.nextInt(5 * GemmBlocking.NR);
                    int k = 1 + rnd.nextInt(40);
                    float[][] in = operands(rnd, ta, tb, m, n, k, 0.5f);
                    float[] slicesWhole = in[2].clone(), perBlock = in[2].clone();
                    run(PACKED_TINY, ta, tb, m, n, k, 1.25f, in[0], in[1], 0.5f, slicesWhole);
                    run(perBlockOrder, ta, tb, m, n, k, 1.25f, in[0], in[1], 0.5f, perBlock);
                    assertArrayEquals(perBlock, slicesWhole, ta + "" + tb + " " + m + "x" + n + "x" + k);
                }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        float[] x = new float[64];
        assertRejected("sizes must be >= 0", () -> Gemm.sgemm(Transpose.N, Transpose.N, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertRejected("sizes must be >= 0", () -> Gemm.sgemm(Transpose.N, Transpose.N, 2, 2, -3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertRejected("lda=2 < 3", () -> Gemm.sgemm(Transpose.N, Transpose.N, 2, 2, 3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertRejected("lda=1 < 2", () -> Gemm.sgemm(Transpose.T, Transpose.N, 2, 2, 3, 1f, x, 0, 1, x, 0, 2, 0f, x, 0, 2));
        assertRejected("ldb=2 < 3", () -> Gemm.sgemm(Transpose.N, Transpose.T, 2, 2, 3, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2));
        assertRejected("ldc=1 < 2", () -> Gemm.sgemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 1));
        assertRejected("C [4,4] with ld=4 at offset 60 needs 76", () -> Gemm.sgemm(Transpose.N, Transpose.N, 4, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 60, 4));
        assertRejected("must not be null", () -> Gemm.sgemm(null, Transpose.N, 2, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
    }

    private static void assertRejected(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static int pick(Random rnd) {
        return SIZES[rnd.nextInt(SIZES.length)];
    }

    /** A, B and C for a strided problem: every leading dimension padded, operands at offsets 1, 2 and 3. */
    private static float[][] operands(Random rnd, Transpose ta, Transpose tb, int m, int n, int k, float beta) {
        int lda = lda(ta, m, k), ldb = ldb(tb, n, k), ldc = n + 3;
        float[] a = Lengths.random(rnd, (ta == Transpose.N ? m : k) * lda, 1);
        float[] b = Lengths.random(rnd, (tb == Transpose.N ? k : n) * ldb, 2);
        float[] c = Lengths.random(rnd, m * ldc, 3);
        if (beta == 0) for (int i = 3; i < c.length; i += 2) c[i] = Float.NaN;
        return new float[][] {a, b, c};
    }

    private static int lda(Transpose ta, int m, int k) {
        return (ta == Transpose.N ? k : m) + 2;
    }

    private static int ldb(Transpose tb, int n, int k) {
        return (tb == Transpose.N ? n : k) + 1;
    }

    private static void run(Sgemm path, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                            float[] a, float[] b, float beta, float[] c) {
        path.run(ta, tb, m, n, k, alpha, a, 1, lda(ta, m, k), b, 2, ldb(tb, n, k), beta, c, 3, n + 3);
    }

    private static void check(Sgemm path, Random rnd, Transpose ta, Transpose tb, int m, int n, int k, float alpha, float beta) {
        float[][] in = operands(rnd, ta, tb, m, n, k, beta);
        float[] expected = in[2].clone(), c = in[2].clone();
        int ldc = n + 3;
        RefGemm.sgemm(ta, tb, m, n, k, alpha, in[0], 1, lda(ta, m, k), in[1], 2, ldb(tb, n, k), beta, expected, 3, ldc);
        run(path, ta, tb, m, n, k, alpha, in[0], in[1], beta, c);
        // operands lie in [-1, 1): float rounding error grows at most about linearly with k
        double tol = 2e-6 * (k + 1) * Math.abs(alpha) + 1e-6;
        for (int i = 0; i < c.length; i++) {
            int row = (i - 3) / ldc, col = (i - 3) % ldc;
            boolean inC = i >= 3 && row < m && col < n;
            String where = ta + "" + tb + " " + m + "x" + n + "x" + k + " alpha=" + alpha + " beta=" + beta + " at ";
            if (inC) assertEquals(expected[i], c[i], tol, where + row + "," + col);
            else assertEquals(Float.floatToRawIntBits(in[2][i]), Float.floatToRawIntBits(c[i]), where + "untouched index " + i);
        }
    }
}
