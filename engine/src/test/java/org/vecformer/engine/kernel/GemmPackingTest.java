package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Packing a transposed operand (register block transposes plus element-by-element edges) gives the same panels,
 * bit for bit, as packing an explicitly transposed copy of it the plain way; and the 16 × 16 block transpose
 * against its definition.
 */
@Tag("kernel")
class GemmPackingTest {
    /** Edges on either side of the 16-wide blocks, an odd depth (a zero step is padded), and more than one panel. */
    private static final int[] EXTENTS = {1, 5, 15, 16, 17, 31, 32, 33, 47, 64, 77};

    @Test
    void transposedAPacksLikeItsExplicitTranspose() {
        Random rnd = new Random(3);
        for (int rows : EXTENTS) for (int kc : EXTENTS) {
            int i0 = rnd.nextInt(3), p0 = rnd.nextInt(3), m = i0 + rows + rnd.nextInt(4), k = p0 + kc + rnd.nextInt(4);
            float[] stored = Lengths.random(rnd, k * m, 0);  // A stored [k, m]: op(A) = Aᵀ is [m, k]
            float[] explicit = transpose(stored, k, m);  // [m, k]
            int size = KernelSizes.roundUp(rows, GemmBlocking.MR) * GemmBlocking.A_ROW;
            float[] viaTranspose = filled(size, Float.NaN), plain = filled(size, Float.NaN);
            GemmPacking.packA(Transpose.T, stored, 0, m, i0, rows, p0, kc, viaTranspose);
            GemmPacking.packA(Transpose.N, explicit, 0, k, i0, rows, p0, kc, plain);
            assertArrayEquals(plain, viaTranspose, "rows " + rows + " kc " + kc);
        }
    }

    @Test
    void transposedBPacksLikeItsExplicitTranspose() {
        Random rnd = new Random(5);
        for (int cols : EXTENTS) for (int kc : EXTENTS) {
            int j0 = rnd.nextInt(3), p0 = rnd.nextInt(3), n = j0 + cols + rnd.nextInt(4), k = p0 + kc + rnd.nextInt(4);
            float[] stored = Lengths.random(rnd, n * k, 0);  // B stored [n, k]: op(B) = Bᵀ is [k, n]
            float[] explicit = transpose(stored, n, k);  // [k, n]
            int size = KernelSizes.ceilDiv(cols, GemmBlocking.NR) * GemmPacking.evenDepth(kc) * GemmBlocking.NR;
            float[] viaTranspose = filled(size, Float.NaN), plain = filled(size, Float.NaN);
            GemmPacking.packB(Transpose.T, stored, 0, k, p0, kc, j0, cols, viaTranspose, 0);
            GemmPacking.packB(Transpose.N, explicit, 0, n, p0, kc, j0, cols, plain, 0);
            assertArrayEquals(plain, viaTranspose, "cols " + cols + " kc " + kc);
        }
    }

    @Test
    void blockTransposeMovesEveryElementAcrossTheDiagonal() {
        assumeTrue(BlockTranspose.AVAILABLE, "16-float vectors only");
        Random rnd = new Random(9);
        int lds = 21, ldd = 19, sOff = 4, dOff = 7;
        float[] src = Lengths.random(rnd, sOff + 16 * lds, 0), dst = filled(dOff + 16 * ldd, Float.NaN);
        BlockTranspose.block16(src, sOff, lds, dst, dOff, ldd);
        for (int r = 0; r < 16; r++) {
            for (int c = 0; c < 16; c++) assertEquals(src[sOff + r * lds + c], dst[dOff + c * ldd + r], "(" + r + ", " + c + ")");
        }
        for (int c = 0; c < 16; c++) {
            for (int x = 16; x < ldd && dOff + c * ldd + x < dst.length; x++) assertEquals(Float.NaN, dst[dOff + c * ldd + x], "wrote past a row");
        }
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
        return t;
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }
}
