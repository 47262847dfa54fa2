package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled products of {@link AttentionBackward}, and of the rows of {@link Attention}'s diagonal tiles that
 * only its last two query vectors see. Each of those products is an instance of
 * <pre>
 *   C[r][c] += Σ_{k &lt; kn} A(r, k) · B[k][c]      r &lt; rows, c &lt; cols
 *   A(r, k) = a[aOff + r·aRow + k·aK]      B[k][c] = b[bOff + k·ldb + c]      C[r][c] = c[cOff + r·ldc + c]
 * </pre>
 * with C's and B's columns in vector lanes and A's elements broadcast, so a transposed operand is only a matter of
 * A's two strides: no product packs its operands. {@link #rows} walks a tile of rows across the columns: groups of
 * four vectors (6 rows × 4 vectors for up to {@link #ROWS_WIDE} rows, else 4 × 4 twice), then two (8 × 2), then one
 * (8 × 1), each tile holding 24, 16 or 8 accumulators in registers over the whole k loop; a last partial vector goes
 * through a lane mask. The 6 × 4 tile (the GEMM micro-kernel's shape) loads 4 vectors and broadcasts 6 elements per 24
 * multiply-adds where 4 × 4 needs 8 loads per 16: with the operands in L1 it ran 181-204 GFLOPS against 149-167 for two
 * 4 × 4 tiles (Zen 5, one thread). Every
 * C element is one chain of fused multiply-adds in k order, so the bits do not depend on the tiling or the thread.
 * Rows of a tile past {@code rows} repeat the last row's A and C (loaded, never stored): an accumulator chosen
 * between a load and a zero would merge two vectors at a branch, which C2 does not keep in registers (it boxed them,
 * half a gigabyte a second).
 */
final class AttentionBackwardMicro {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    /** Most rows of C per tile of the two- and one-vector kernels, and of {@link #rows} when more than {@link #ROWS_WIDE}. */
    static final int ROWS = 8;
    /** Rows of the four-vector tile: {@link #rows} with at most this many rows runs the 6 × 4 kernel. */
    static final int ROWS_WIDE = 6;

    private AttentionBackwardMicro() {}

    /** The product above for {@code rows <= ROWS} rows and {@code cols} columns. */
    static void rows(int rows, int cols, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        int c0 = 0;
        for (; c0 + 4 * L <= cols; c0 += 4 * L) {
            if (rows <= ROWS_WIDE) {
                w6(rows, kn, a, aOff, aRow, aK, b, bOff + c0, ldb, c, cOff + c0, ldc);
                continue;
            }
            w4(4, kn, a, aOff, aRow, aK, b, bOff + c0, ldb, c, cOff + c0, ldc);
            w4(rows - 4, kn, a, aOff + 4 * aRow, aRow, aK, b, bOff + c0, ldb, c, cOff + c0 + 4 * ldc, ldc);
        }
        if (c0 + 2 * L <= cols) {
            w2(rows, kn, a, aOff, aRow, aK, b, bOff + c0, ldb, c, cOff + c0, ldc);
            c0 += 2 * L;
        }
        if (c0 + L <= cols) {
            w1(rows, kn, a, aOff, aRow, aK, b, bOff + c0, ldb, c, cOff + c0, ldc);
            c0 += L;
        }
        if (c0 < cols) tail(rows, kn, a, aOff, aRow, aK, b, bOff + c0, ldb, c, cOff + c0, ldc, cols - c0);
    }

    /** Four vectors of columns, {@code rows <= 6}; rows past the last repeat its A and C rows and are not stored. */
    private static void w6(int rows, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        int last = rows - 1;
        int a0 = aOff, a1 = aOff + Math.min(1, last) * aRow, a2 = aOff + Math.min(2, last) * aRow;
        int a3 = aOff + Math.min(3, last) * aRow, a4 = aOff + Math.min(4, last) * aRow, a5 = aOff + Math.min(5, last) * aRow;
        int o0 = cOff, o1 = cOff + Math.min(1, last) * ldc, o2 = cOff + Math.min(2, last) * ldc;
        int o3 = cOff + Math.min(3, last) * ldc, o4 = cOff + Math.min(4, last) * ldc, o5 = cOff + Math.min(5, last) * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c02 = FloatVector.fromArray(S, c, o0 + 2 * L), c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, o1 + 2 * L), c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, o2 + 2 * L), c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, o3 + 2 * L), c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, c, o4), c41 = FloatVector.fromArray(S, c, o4 + L);
        FloatVector c42 = FloatVector.fromArray(S, c, o4 + 2 * L), c43 = FloatVector.fromArray(S, c, o4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, c, o5), c51 = FloatVector.fromArray(S, c, o5 + L);
        FloatVector c52 = FloatVector.fromArray(S, c, o5 + 2 * L), c53 = FloatVector.fromArray(S, c, o5 + 3 * L);
        for (int k = 0, ak = 0, bk = bOff; k < kn; k++, ak += aK, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L), b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
            x = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41); c42 = b2.fma(x, c42); c43 = b3.fma(x, c43);
            x = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51); c52 = b2.fma(x, c52); c53 = b3.fma(x, c53);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L);
        if (rows > 1) { c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L); }
        if (rows > 2) { c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L); }
        if (rows > 3) { c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L); }
        if (rows > 4) { c40.intoArray(c, o4); c41.intoArray(c, o4 + L); c42.intoArray(c, o4 + 2 * L); c43.intoArray(c, o4 + 3 * L); }
        if (rows > 5) { c50.intoArray(c, o5); c51.intoArray(c, o5 + L); c52.intoArray(c, o5 + 2 * L); c53.intoArray(c, o5 + 3 * L); }
    }

    /** Four vectors of columns, {@code rows <= 4}; rows past the last repeat its A and C rows and are not stored. */
    private static void w4(int rows, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        int a0 = aOff, a1 = aOff + Math.min(1, rows - 1) * aRow, a2 = aOff + Math.min(2, rows - 1) * aRow;
        int a3 = aOff + Math.min(3, rows - 1) * aRow;
        int o0 = cOff, o1 = cOff + Math.min(1, rows - 1) * ldc, o2 = cOff + Math.min(2, rows - 1) * ldc;
        int o3 = cOff + Math.min(3, rows - 1) * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c02 = FloatVector.fromArray(S, c, o0 + 2 * L), c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, o1 + 2 * L), c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, o2 + 2 * L), c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, o3 + 2 * L), c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        for (int k = 0, ak = 0, bk = bOff; k < kn; k++, ak += aK, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L), b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L);
        if (rows > 1) { c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L); }
        if (rows > 2) { c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L); }
        if (rows > 3) { c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L); }
    }

    /** Two vectors of columns, {@code rows <= 8}; rows past the last repeat its A and C rows and are not stored. */
    private static void w2(int rows, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        int last = rows - 1;
        int a0 = aOff, a1 = aOff + Math.min(1, last) * aRow, a2 = aOff + Math.min(2, last) * aRow, a3 = aOff + Math.min(3, last) * aRow;
        int a4 = aOff + Math.min(4, last) * aRow, a5 = aOff + Math.min(5, last) * aRow, a6 = aOff + Math.min(6, last) * aRow;
        int a7 = aOff + Math.min(7, last) * aRow;
        int o0 = cOff, o1 = cOff + Math.min(1, last) * ldc, o2 = cOff + Math.min(2, last) * ldc, o3 = cOff + Math.min(3, last) * ldc;
        int o4 = cOff + Math.min(4, last) * ldc, o5 = cOff + Math.min(5, last) * ldc, o6 = cOff + Math.min(6, last) * ldc;
        int o7 = cOff + Math.min(7, last) * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L);
        FloatVector c40 = FloatVector.fromArray(S, c, o4), c41 = FloatVector.fromArray(S, c, o4 + L);
        FloatVector c50 = FloatVector.fromArray(S, c, o5), c51 = FloatVector.fromArray(S, c, o5 + L);
        FloatVector c60 = FloatVector.fromArray(S, c, o6), c61 = FloatVector.fromArray(S, c, o6 + L);
        FloatVector c70 = FloatVector.fromArray(S, c, o7), c71 = FloatVector.fromArray(S, c, o7 + L);
        for (int k = 0, ak = 0, bk = bOff; k < kn; k++, ak += aK, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, a[a6 + ak]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, a[a7 + ak]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L);
        if (rows > 1) { c10.intoArray(c, o1); c11.intoArray(c, o1 + L); }
        if (rows > 2) { c20.intoArray(c, o2); c21.intoArray(c, o2 + L); }
        if (rows > 3) { c30.intoArray(c, o3); c31.intoArray(c, o3 + L); }
        if (rows > 4) { c40.intoArray(c, o4); c41.intoArray(c, o4 + L); }
        if (rows > 5) { c50.intoArray(c, o5); c51.intoArray(c, o5 + L); }
        if (rows > 6) { c60.intoArray(c, o6); c61.intoArray(c, o6 + L); }
        if (rows > 7) { c70.intoArray(c, o7); c71.intoArray(c, o7 + L); }
    }

    /** One vector of columns, {@code rows <= 8}; rows past the last repeat its A and C rows and are not stored. */
    private static void w1(int rows, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        int last = rows - 1;
        int a0 = aOff, a1 = aOff + Math.min(1, last) * aRow, a2 = aOff + Math.min(2, last) * aRow, a3 = aOff + Math.min(3, last) * aRow;
        int a4 = aOff + Math.min(4, last) * aRow, a5 = aOff + Math.min(5, last) * aRow, a6 = aOff + Math.min(6, last) * aRow;
        int a7 = aOff + Math.min(7, last) * aRow;
        int o0 = cOff, o1 = cOff + Math.min(1, last) * ldc, o2 = cOff + Math.min(2, last) * ldc, o3 = cOff + Math.min(3, last) * ldc;
        int o4 = cOff + Math.min(4, last) * ldc, o5 = cOff + Math.min(5, last) * ldc, o6 = cOff + Math.min(6, last) * ldc;
        int o7 = cOff + Math.min(7, last) * ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, o0), c1 = FloatVector.fromArray(S, c, o1);
        FloatVector c2 = FloatVector.fromArray(S, c, o2), c3 = FloatVector.fromArray(S, c, o3);
        FloatVector c4 = FloatVector.fromArray(S, c, o4), c5 = FloatVector.fromArray(S, c, o5);
        FloatVector c6 = FloatVector.fromArray(S, c, o6), c7 = FloatVector.fromArray(S, c, o7);
        for (int k = 0, ak = 0, bk = bOff; k < kn; k++, ak += aK, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            c0 = b0.fma(FloatVector.broadcast(S, a[a0 + ak]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[a1 + ak]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[a2 + ak]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[a3 + ak]), c3);
            c4 = b0.fma(FloatVector.broadcast(S, a[a4 + ak]), c4);
            c5 = b0.fma(FloatVector.broadcast(S, a[a5 + ak]), c5);
            c6 = b0.fma(FloatVector.broadcast(S, a[a6 + ak]), c6);
            c7 = b0.fma(FloatVector.broadcast(S, a[a7 + ak]), c7);
        }
        c0.intoArray(c, o0);
        if (rows > 1) c1.intoArray(c, o1);
        if (rows > 2) c2.intoArray(c, o2);
        if (rows > 3) c3.intoArray(c, o3);
        if (rows > 4) c4.intoArray(c, o4);
        if (rows > 5) c5.intoArray(c, o5);
        if (rows > 6) c6.intoArray(c, o6);
        if (rows > 7) c7.intoArray(c, o7);
    }

    /**
     * The last {@code lanes < L} columns, row by row under a lane mask. Only a head width that is not a whole number
     * of vectors comes here; the wide kernels stay unmasked because C2 gave up intrinsifying masked operations in a
     * method as large as {@link #w1} (its vectors were then objects, megabytes a call).
     */
    private static void tail(int rows, int kn, float[] a, int aOff, int aRow, int aK, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int lanes) {
        VectorMask<Float> m = S.indexInRange(0, lanes);
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * aRow, o = cOff + r * ldc;
            FloatVector acc = FloatVector.fromArray(S, c, o, m);
            for (int k = 0, ak = ar, bk = bOff; k < kn; k++, ak += aK, bk += ldb) {
                acc = FloatVector.fromArray(S, b, bk, m).fma(FloatVector.broadcast(S, a[ak]), acc);
            }
            acc.intoArray(c, o, m);
        }
    }
}
