package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.A_ROW;
import static org.vecformer.engine.kernel.GemmBlocking.MR;
import static org.vecformer.engine.kernel.GemmBlocking.NR;
import static org.vecformer.engine.kernel.KernelSizes.roundUp;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded panels the micro-kernel reads.
 * A slice of odd depth {@code kc} is packed {@code kc + 1} deep, the last step zero in A and B (the
 * micro-kernel takes two k steps at a time): {@link #evenDepth}.
 *
 * <p>Packed A block of {@code rows × kc} (rows of op(A) from {@code i0}, depth from {@code p0}):
 * ⌈rows/MR⌉ micro-panels of {@code MR × A_ROW}; element (i, p) lives at
 * {@code dst[(i/MR)·MR·A_ROW + (i%MR)·A_ROW + p] = dst[i·A_ROW + p]}; rows past {@code rows} are zero, steps past the even depth
 * are not read.
 *
 * <p>Packed B block of {@code kc × cols} (depth from {@code p0}, columns of op(B) from {@code j0}):
 * ⌈cols/NR⌉ micro-panels of {@code evenDepth(kc) × NR}; element (p, j) lives at
 * {@code dst[(j/NR)·evenDepth(kc)·NR + p·NR + j%NR]}, columns past {@code cols} are zero.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = Simd.F;
    /** Rows of an untransposed B copied per pass over the micro-panels (see {@link #packB}). */
    private static final int ROWS_PER_PASS = 8;

    private GemmPacking() {}

    /** {@code kc} rounded up to even: the depth of packed panels. */
    static int evenDepth(int kc) {
        return (kc + 1) & ~1;
    }

    /**
     * Packs op(A)[i0 .. i0+rows, p0 .. p0+kc) into {@code dst} (layout above, where row i of the block starts at
     * {@code i·A_ROW}): op(A)[i][p] is {@code a[aOff + i·lda + p]} (rows copied whole), or {@code a[aOff + p·lda + i]}
     * when A is transposed ({@link BlockTranspose}).
     */
    static void packA(Transpose transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] dst) {
        packA(transA, a, aOff, lda, i0, rows, p0, kc, dst, 0);
    }

    /** {@link #packA} into {@code dst} from {@code dstOff} on (a multiple of MR·A_ROW: the first micro-panel written). */
    static void packA(Transpose transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        int depth = evenDepth(kc);
        if (transA == Transpose.N) {
            for (int i = 0; i < rows; i++) System.arraycopy(a, aOff + (i0 + i) * lda + p0, dst, dstOff + i * A_ROW, kc);
        } else {
            BlockTranspose.transpose(a, aOff + p0 * lda + i0, lda, kc, rows, dst, dstOff, A_ROW);
        }
        if (depth > kc) {
            for (int i = 0; i < rows; i++) dst[dstOff + i * A_ROW + kc] = 0f;
        }
        for (int i = rows; i < roundUp(rows, MR); i++) Arrays.fill(dst, dstOff + i * A_ROW, dstOff + i * A_ROW + depth, 0f);
    }

    /**
     * Packs op(B)[p0 .. p0+kc, j0 .. j0+cols) into {@code dst} from {@code dstOff} on (layout above, the first
     * micro-panel at dstOff; {@link OperandB} packs whole k slices this way, a micro-panel range at a time). An untransposed B is read
     * {@link #ROWS_PER_PASS} rows at a time, each row of the block once and in order: one pass over the
     * micro-panels copies those rows' {@code NR} columns into each, {@code ROWS_PER_PASS·NR} contiguous
     * floats. Walking one micro-panel at a time instead reads {@code kc} rows {@code ldb} apart for every
     * panel; packing all of the unembedding's B (512 × 48262, in 512-column blocks, from memory) took 74
     * ms that way on first touch against 34 ms row by row. Eight rows per pass then took 13.5 instead of
     * 16 ms warm: each pass writes a run of 1 KiB per panel instead of scattering 128 bytes over panels
     * 64 KiB apart.
     */
    static void packB(Transpose transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols, float[] dst, int dstOff) {
        int depth = evenDepth(kc), full = cols / NR, panel = depth * NR;
        for (int q = 0; q * NR < cols; q++) {
            int base = dstOff + q * panel;
            if (q == full) Arrays.fill(dst, base, base + panel, 0f);
            else Arrays.fill(dst, base + kc * NR, base + panel, 0f);
        }
        if (transB == Transpose.T) {
            // groups of up to 16 columns, each inside one micro-panel (NR is a multiple of the group)
            for (int j = 0, group = Math.min(NR, 16); j < cols; j += group) {
                BlockTranspose.transpose(b, bOff + (j0 + j) * ldb + p0, ldb, Math.min(group, cols - j), kc,
                        dst, dstOff + j / NR * panel + j % NR, NR);
            }
        } else {
            int tail = cols - full * NR;
            for (int p = 0; p < kc; p += ROWS_PER_PASS) {
                int rows = Math.min(ROWS_PER_PASS, kc - p), first = bOff + (p0 + p) * ldb + j0;
                for (int q = 0; q < full; q++) {
                    for (int r = 0, src = first + q * NR, d = dstOff + q * panel + p * NR; r < rows; r++, src += ldb, d += NR) {
                        for (int v = 0; v < NR; v += S.length()) FloatVector.fromArray(S, b, src + v).intoArray(dst, d + v);
                    }
                }
                if (tail > 0) {
                    for (int r = 0; r < rows; r++) System.arraycopy(b, first + r * ldb + full * NR, dst, dstOff + full * panel + (p + r) * NR, tail);
                }
            }
        }
    }
}
