package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.A_ROW;
import static org.vecformer.engine.kernel.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernels: one full {@code MR × NR} tile of C ({@code MR = 6} rows × {@code NV}
 * vectors) from a packed A micro-panel ({@code MR × kc}, element (r, p) at {@code ap[aAt + r·A_ROW + p]}) and a
 * packed B micro-panel ({@code kc × NR}, element (p, j) at {@code bp[bAt + p·NR + j]}), layouts in
 * {@link GemmPacking}:
 * <pre>
 *   acc[r][j] = Σ_{p &lt; kc} A[r][p] · B[p][j]                  (fma, p ascending)
 *   C[r][j]   = alpha·acc[r][j]                                 if beta == 0
 *             = fma(acc[r][j], alpha, beta·C[r][j])             otherwise
 * </pre>
 * The {@code MR·NV} accumulators live in registers: each k step loads {@code NV} B vectors and broadcasts
 * {@code MR} A elements. {@code NV} is 4 where vectors are 512 bits wide (AVX-512 has 32 vector registers:
 * 24 accumulators, 4 B vectors, 1 broadcast) and 2 otherwise (16 registers on AVX2 and NEON: 12, 2, 1).
 * On AVX-512 the 6 × 4 tile replaced a 12 × 2 one, which used as many accumulators but needed 14 loads
 * per 24 FMAs instead of 10: with the deeper k slices its smaller A micro-panel allows
 * ({@link GemmBlocking}), 1-5% faster on one thread on every shape of the benchmark; on two, level to 12%
 * faster, 512³ 2% slower (AMD EPYC Zen 5, both builds interleaved in one process).
 * What C2 needs to keep the loop tight, each measured on AVX-512 (the first two with A and B in L1):
 * <ul>
 *   <li>one method per tile size, the accumulators named locals (arrays of vectors are boxed);</li>
 *   <li>A's row stride is the constant {@link GemmBlocking#A_ROW}, so every broadcast is a load at a fixed
 *       displacement and every bounds check leaves the loop (a variable stride costs a check or an
 *       address computation per broadcast: 12×2 tile 120 instead of 165 GFLOPS);</li>
 *   <li>for the 6 × 2 tile, two k steps per iteration ({@code kc} is even, the packing pads it with a
 *       zero step): 178 instead of 165 GFLOPS; for the 6 × 4 tile one, since the B vectors of a second
 *       step do not fit the registers left (two steps: 138 against 182 GFLOPS at 2048³ in a harness).</li>
 * </ul>
 * The zero step adds {@code +0} to accumulators that start at {@code +0} and so are never {@code -0}: it
 * changes no bit.
 *
 * <p>A full tile with {@code beta == 0} (every tile of a product with {@code k <= kc}, the first k slice
 * of a deeper one) is stored straight from the registers, {@code alpha·acc} row by row. Any other tile
 * spills its accumulators to the {@code acc} scratch tile and C is updated from there, whole vectors
 * where a row of the tile is full and scalars past the edge of C. Both ways compute the same products,
 * so an element's bits never depend on where its tile falls. The direct store gained 2-5% with the
 * panels in cache and about 3% on the unembedding 1024×48262×512 (separate processes of both builds in
 * turn, one thread). Storing straight from the registers for {@code beta != 0} as well doubles the
 * method, and C1 then fails to compile it ("out of virtual registers"): until C2 is done the kernel runs
 * interpreted, hundreds of times slower.
 */
final class GemmMicroKernel {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = Simd.LANES;

    private GemmMicroKernel() {}

    /**
     * {@code C[r][j] = alpha·Σ_{p<kc} A[r][p]·B[p][j] (+ beta·C[r][j])} for the valid {@code rows × cols}
     * of the 6 × 2-vector tile of C at {@code c[cAt..]} (leading dimension {@code ldc}); {@code kc} is even,
     * {@code acc} is scratch of {@code MR·NR} floats.
     */
    static void tile6x2(int kc, float[] ap, int aAt, float[] bp, int bAt, float alpha, float beta,
                      float[] c, int cAt, int ldc, int rows, int cols, float[] acc) {
        FloatVector c000 = FloatVector.zero(S), c001 = FloatVector.zero(S);
        FloatVector c010 = FloatVector.zero(S), c011 = FloatVector.zero(S);
        FloatVector c020 = FloatVector.zero(S), c021 = FloatVector.zero(S);
        FloatVector c030 = FloatVector.zero(S), c031 = FloatVector.zero(S);
        FloatVector c040 = FloatVector.zero(S), c041 = FloatVector.zero(S);
        FloatVector c050 = FloatVector.zero(S), c051 = FloatVector.zero(S);
        for (int p = 0; p < kc; p += 2) {
            int pa = aAt + p, pb = bAt + p * NR;
            FloatVector a, b0, b1;
            b0 = FloatVector.fromArray(S, bp, pb);
            b1 = FloatVector.fromArray(S, bp, pb + L);
            a = FloatVector.broadcast(S, ap[pa]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, ap[pa + A_ROW]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 2 * A_ROW]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 3 * A_ROW]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 4 * A_ROW]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 5 * A_ROW]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
            b0 = FloatVector.fromArray(S, bp, pb + NR);
            b1 = FloatVector.fromArray(S, bp, pb + NR + L);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, ap[pa + 1 + A_ROW]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 1 + 2 * A_ROW]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 1 + 3 * A_ROW]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 1 + 4 * A_ROW]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 1 + 5 * A_ROW]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
        }
        if (beta == 0 && rows == 6 && cols == NR) {
            FloatVector alphaV = FloatVector.broadcast(S, alpha);
            c000.mul(alphaV).intoArray(c, cAt + 0 * ldc);
            c001.mul(alphaV).intoArray(c, cAt + 0 * ldc + L);
            c010.mul(alphaV).intoArray(c, cAt + 1 * ldc);
            c011.mul(alphaV).intoArray(c, cAt + 1 * ldc + L);
            c020.mul(alphaV).intoArray(c, cAt + 2 * ldc);
            c021.mul(alphaV).intoArray(c, cAt + 2 * ldc + L);
            c030.mul(alphaV).intoArray(c, cAt + 3 * ldc);
            c031.mul(alphaV).intoArray(c, cAt + 3 * ldc + L);
            c040.mul(alphaV).intoArray(c, cAt + 4 * ldc);
            c041.mul(alphaV).intoArray(c, cAt + 4 * ldc + L);
            c050.mul(alphaV).intoArray(c, cAt + 5 * ldc);
            c051.mul(alphaV).intoArray(c, cAt + 5 * ldc + L);
            return;
        }
        c000.intoArray(acc, 0 * NR);
        c001.intoArray(acc, 0 * NR + L);
        c010.intoArray(acc, 1 * NR);
        c011.intoArray(acc, 1 * NR + L);
        c020.intoArray(acc, 2 * NR);
        c021.intoArray(acc, 2 * NR + L);
        c030.intoArray(acc, 3 * NR);
        c031.intoArray(acc, 3 * NR + L);
        c040.intoArray(acc, 4 * NR);
        c041.intoArray(acc, 4 * NR + L);
        c050.intoArray(acc, 5 * NR);
        c051.intoArray(acc, 5 * NR + L);
        update(acc, alpha, beta, c, cAt, ldc, rows, cols);
    }

    /** As {@link #tile6x2} for a 6 × 4-vector tile, one k step per iteration (two would spill, see above). */
    static void tile6x4(int kc, float[] ap, int aAt, float[] bp, int bAt, float alpha, float beta,
                        float[] c, int cAt, int ldc, int rows, int cols, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = aAt + p, pb = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb), b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L), b3 = FloatVector.fromArray(S, bp, pb + 3 * L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[pa]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[pa + A_ROW]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[pa + 2 * A_ROW]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[pa + 3 * A_ROW]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, ap[pa + 4 * A_ROW]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, ap[pa + 5 * A_ROW]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            c53 = a.fma(b3, c53);
        }
        if (beta == 0 && rows == 6 && cols == NR) {
            FloatVector alphaV = FloatVector.broadcast(S, alpha);
            c00.mul(alphaV).intoArray(c, cAt + 0 * ldc);
            c01.mul(alphaV).intoArray(c, cAt + 0 * ldc + L);
            c02.mul(alphaV).intoArray(c, cAt + 0 * ldc + 2 * L);
            c03.mul(alphaV).intoArray(c, cAt + 0 * ldc + 3 * L);
            c10.mul(alphaV).intoArray(c, cAt + 1 * ldc);
            c11.mul(alphaV).intoArray(c, cAt + 1 * ldc + L);
            c12.mul(alphaV).intoArray(c, cAt + 1 * ldc + 2 * L);
            c13.mul(alphaV).intoArray(c, cAt + 1 * ldc + 3 * L);
            c20.mul(alphaV).intoArray(c, cAt + 2 * ldc);
            c21.mul(alphaV).intoArray(c, cAt + 2 * ldc + L);
            c22.mul(alphaV).intoArray(c, cAt + 2 * ldc + 2 * L);
            c23.mul(alphaV).intoArray(c, cAt + 2 * ldc + 3 * L);
            c30.mul(alphaV).intoArray(c, cAt + 3 * ldc);
            c31.mul(alphaV).intoArray(c, cAt + 3 * ldc + L);
            c32.mul(alphaV).intoArray(c, cAt + 3 * ldc + 2 * L);
            c33.mul(alphaV).intoArray(c, cAt + 3 * ldc + 3 * L);
            c40.mul(alphaV).intoArray(c, cAt + 4 * ldc);
            c41.mul(alphaV).intoArray(c, cAt + 4 * ldc + L);
            c42.mul(alphaV).intoArray(c, cAt + 4 * ldc + 2 * L);
            c43.mul(alphaV).intoArray(c, cAt + 4 * ldc + 3 * L);
            c50.mul(alphaV).intoArray(c, cAt + 5 * ldc);
            c51.mul(alphaV).intoArray(c, cAt + 5 * ldc + L);
            c52.mul(alphaV).intoArray(c, cAt + 5 * ldc + 2 * L);
            c53.mul(alphaV).intoArray(c, cAt + 5 * ldc + 3 * L);
            return;
        }
        c00.intoArray(acc, 0 * NR);
        c01.intoArray(acc, 0 * NR + L);
        c02.intoArray(acc, 0 * NR + 2 * L);
        c03.intoArray(acc, 0 * NR + 3 * L);
        c10.intoArray(acc, 1 * NR);
        c11.intoArray(acc, 1 * NR + L);
        c12.intoArray(acc, 1 * NR + 2 * L);
        c13.intoArray(acc, 1 * NR + 3 * L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c22.intoArray(acc, 2 * NR + 2 * L);
        c23.intoArray(acc, 2 * NR + 3 * L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
        c32.intoArray(acc, 3 * NR + 2 * L);
        c33.intoArray(acc, 3 * NR + 3 * L);
        c40.intoArray(acc, 4 * NR);
        c41.intoArray(acc, 4 * NR + L);
        c42.intoArray(acc, 4 * NR + 2 * L);
        c43.intoArray(acc, 4 * NR + 3 * L);
        c50.intoArray(acc, 5 * NR);
        c51.intoArray(acc, 5 * NR + L);
        c52.intoArray(acc, 5 * NR + 2 * L);
        c53.intoArray(acc, 5 * NR + 3 * L);
        update(acc, alpha, beta, c, cAt, ldc, rows, cols);
    }

    /** {@code C[r][j] = alpha·acc[r·NR + j] + beta·C[r][j]} over the valid {@code rows × cols} of a tile. */
    private static void update(float[] acc, float alpha, float beta, float[] c, int cAt, int ldc, int rows, int cols) {
        FloatVector alphaV = FloatVector.broadcast(S, alpha);
        for (int r = 0; r < rows; r++) {
            int ci = cAt + r * ldc, t = r * NR, j = 0;
            if (beta == 0) {
                for (; j + L <= cols; j += L) FloatVector.fromArray(S, acc, t + j).mul(alphaV).intoArray(c, ci + j);
            } else {
                for (; j + L <= cols; j += L) {
                    FloatVector.fromArray(S, acc, t + j).fma(alphaV, FloatVector.fromArray(S, c, ci + j).mul(beta)).intoArray(c, ci + j);
                }
            }
            for (; j < cols; j++) c[ci + j] = beta == 0 ? alpha * acc[t + j] : Math.fma(acc[t + j], alpha, beta * c[ci + j]);
        }
    }
}
