package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.MR;
import static org.vecformer.engine.kernel.GemmBlocking.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded panels the micro-kernel reads.
 *
 * <p>Packed A block of {@code rows × kc} (rows of op(A) from {@code i0}, depth from {@code p0}; only for a
 * transposed A):
 * ⌈rows/MR⌉ micro-panels of {@code kc × MR}; element (i, p) lives at
 * {@code dst[(i/MR)·kc·MR + p·MR + i%MR]}; slots of rows past {@code rows} are left as they are (the
 * micro-kernel never reads them).
 *
 * <p>Packed B block of {@code kc × cols} (depth from {@code p0}, columns of op(B) from {@code j0}):
 * ⌈cols/NR⌉ micro-panels of {@code kc × NR}; element (p, j) lives at
 * {@code dst[(j/NR)·kc·NR + p·NR + j%NR]}, columns past {@code cols} are zero.
 *
 * <p>Zero padding of B lets the micro-kernel always run full-width tiles; only its store is trimmed.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = Simd.F;

    private GemmPacking() {}

    /**
     * Packs op(A)[i0 .. i0+rows, p0 .. p0+kc) of a transposed A (stored [k,m], so op(A)[i][p] = a[aOff + p·lda + i])
     * into {@code dst} (layout above). An untransposed A is read in place by the micro-kernel instead.
     */
    static void packTransposedA(float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] dst) {
        for (int q = 0, i = 0; i < rows; q++, i += MR) {
            int base = q * kc * MR, r = Math.min(MR, rows - i);
            for (int p = 0; p < kc; p++) System.arraycopy(a, aOff + (p0 + p) * lda + i0 + i, dst, base + p * MR, r);
        }
    }

    /** Packs op(B)[p0 .. p0+kc, j0 .. j0+cols) into {@code dst} (layout above). */
    static void packB(Transpose transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols, float[] dst) {
        for (int q = 0; q * NR < cols; q++) {
            int j = q * NR, base = q * kc * NR, w = Math.min(NR, cols - j);
            if (w < NR) Arrays.fill(dst, base, base + kc * NR, 0f);
            if (transB == Transpose.T) {
                for (int jj = 0; jj < w; jj++) {
                    int src = bOff + (j0 + j + jj) * ldb + p0;
                    for (int p = 0, d = base + jj; p < kc; p++, d += NR) dst[d] = b[src + p];
                }
            } else if (w == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + j, d = base + p * NR;
                    for (int v = 0; v < NR; v += S.length()) FloatVector.fromArray(S, b, src + v).intoArray(dst, d + v);
                }
            } else {
                for (int p = 0; p < kc; p++) System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + j, dst, base + p * NR, w);
            }
        }
    }
}
