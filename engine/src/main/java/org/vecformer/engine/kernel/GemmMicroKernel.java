package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.KC;
import static org.vecformer.engine.kernel.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernels: one full {@code MR × NR} tile of C ({@code MR} rows × 2 vectors) from
 * a packed A micro-panel ({@code MR × kc}, element (r, p) at {@code ap[aAt + r·KC + p]}) and a packed B
 * micro-panel ({@code kc × NR}, element (p, j) at {@code bp[bAt + p·NR + j]}), layouts in {@link GemmPacking}:
 * <pre>
 *   acc[r][j] = Σ_{p &lt; kc} A[r][p] · B[p][j]                  (fma, p ascending)
 *   C[r][j]   = alpha·acc[r][j]                                 if beta == 0
 *             = fma(acc[r][j], alpha, beta·C[r][j])             otherwise
 * </pre>
 * The {@code 2·MR} accumulators live in registers: each k step loads two B vectors and broadcasts
 * {@code MR} A elements. {@code MR} is 12 where vectors are 512 bits wide (AVX-512 has 32 vector
 * registers: 24 accumulators, 2 B vectors, 1 broadcast) and 6 otherwise (16 registers on AVX2 and NEON).
 * What C2 needs to keep the loop tight, each measured on AVX-512 with A and B in L1:
 * <ul>
 *   <li>one method per tile size, the accumulators named locals (arrays of vectors are boxed);</li>
 *   <li>A's row stride is the constant {@link GemmBlocking#KC}, so every broadcast is a load at a fixed
 *       displacement and every bounds check leaves the loop (a variable stride costs a check or an
 *       address computation per broadcast: 12×2 tile 120 instead of 165 GFLOPS);</li>
 *   <li>two k steps per iteration ({@code kc} is even, the packing pads it with a zero step): 178
 *       instead of 165 GFLOPS; four spill.</li>
 * </ul>
 * The zero step adds {@code +0} to accumulators that start at {@code +0} and so are never {@code -0}: it
 * changes no bit.
 *
 * <p>A full tile with {@code beta == 0} (every tile of a product with {@code k <= KC}, the first k slice
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
     * of the 6 × NR tile of C at {@code c[cAt..]} (leading dimension {@code ldc}); {@code kc} is even,
     * {@code acc} is scratch of {@code MR·NR} floats.
     */
    static void tile6(int kc, float[] ap, int aAt, float[] bp, int bAt, float alpha, float beta,
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
            a = FloatVector.broadcast(S, ap[pa + KC]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 2 * KC]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 3 * KC]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 4 * KC]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 5 * KC]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
            b0 = FloatVector.fromArray(S, bp, pb + NR);
            b1 = FloatVector.fromArray(S, bp, pb + NR + L);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, ap[pa + 1 + KC]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 1 + 2 * KC]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 1 + 3 * KC]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 1 + 4 * KC]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 1 + 5 * KC]);
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

    /** As {@link #tile6} for a 12 × NR tile. */
    static void tile12(int kc, float[] ap, int aAt, float[] bp, int bAt, float alpha, float beta,
                      float[] c, int cAt, int ldc, int rows, int cols, float[] acc) {
        FloatVector c000 = FloatVector.zero(S), c001 = FloatVector.zero(S);
        FloatVector c010 = FloatVector.zero(S), c011 = FloatVector.zero(S);
        FloatVector c020 = FloatVector.zero(S), c021 = FloatVector.zero(S);
        FloatVector c030 = FloatVector.zero(S), c031 = FloatVector.zero(S);
        FloatVector c040 = FloatVector.zero(S), c041 = FloatVector.zero(S);
        FloatVector c050 = FloatVector.zero(S), c051 = FloatVector.zero(S);
        FloatVector c060 = FloatVector.zero(S), c061 = FloatVector.zero(S);
        FloatVector c070 = FloatVector.zero(S), c071 = FloatVector.zero(S);
        FloatVector c080 = FloatVector.zero(S), c081 = FloatVector.zero(S);
        FloatVector c090 = FloatVector.zero(S), c091 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        for (int p = 0; p < kc; p += 2) {
            int pa = aAt + p, pb = bAt + p * NR;
            FloatVector a, b0, b1;
            b0 = FloatVector.fromArray(S, bp, pb);
            b1 = FloatVector.fromArray(S, bp, pb + L);
            a = FloatVector.broadcast(S, ap[pa]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, ap[pa + KC]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 2 * KC]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 3 * KC]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 4 * KC]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 5 * KC]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
            a = FloatVector.broadcast(S, ap[pa + 6 * KC]);
            c060 = a.fma(b0, c060);
            c061 = a.fma(b1, c061);
            a = FloatVector.broadcast(S, ap[pa + 7 * KC]);
            c070 = a.fma(b0, c070);
            c071 = a.fma(b1, c071);
            a = FloatVector.broadcast(S, ap[pa + 8 * KC]);
            c080 = a.fma(b0, c080);
            c081 = a.fma(b1, c081);
            a = FloatVector.broadcast(S, ap[pa + 9 * KC]);
            c090 = a.fma(b0, c090);
            c091 = a.fma(b1, c091);
            a = FloatVector.broadcast(S, ap[pa + 10 * KC]);
            c100 = a.fma(b0, c100);
            c101 = a.fma(b1, c101);
            a = FloatVector.broadcast(S, ap[pa + 11 * KC]);
            c110 = a.fma(b0, c110);
            c111 = a.fma(b1, c111);
            b0 = FloatVector.fromArray(S, bp, pb + NR);
            b1 = FloatVector.fromArray(S, bp, pb + NR + L);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, ap[pa + 1 + KC]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, ap[pa + 1 + 2 * KC]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, ap[pa + 1 + 3 * KC]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, ap[pa + 1 + 4 * KC]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, ap[pa + 1 + 5 * KC]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
            a = FloatVector.broadcast(S, ap[pa + 1 + 6 * KC]);
            c060 = a.fma(b0, c060);
            c061 = a.fma(b1, c061);
            a = FloatVector.broadcast(S, ap[pa + 1 + 7 * KC]);
            c070 = a.fma(b0, c070);
            c071 = a.fma(b1, c071);
            a = FloatVector.broadcast(S, ap[pa + 1 + 8 * KC]);
            c080 = a.fma(b0, c080);
            c081 = a.fma(b1, c081);
            a = FloatVector.broadcast(S, ap[pa + 1 + 9 * KC]);
            c090 = a.fma(b0, c090);
            c091 = a.fma(b1, c091);
            a = FloatVector.broadcast(S, ap[pa + 1 + 10 * KC]);
            c100 = a.fma(b0, c100);
            c101 = a.fma(b1, c101);
            a = FloatVector.broadcast(S, ap[pa + 1 + 11 * KC]);
            c110 = a.fma(b0, c110);
            c111 = a.fma(b1, c111);
        }
        if (beta == 0 && rows == 12 && cols == NR) {
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
            c060.mul(alphaV).intoArray(c, cAt + 6 * ldc);
            c061.mul(alphaV).intoArray(c, cAt + 6 * ldc + L);
            c070.mul(alphaV).intoArray(c, cAt + 7 * ldc);
            c071.mul(alphaV).intoArray(c, cAt + 7 * ldc + L);
            c080.mul(alphaV).intoArray(c, cAt + 8 * ldc);
            c081.mul(alphaV).intoArray(c, cAt + 8 * ldc + L);
            c090.mul(alphaV).intoArray(c, cAt + 9 * ldc);
            c091.mul(alphaV).intoArray(c, cAt + 9 * ldc + L);
            c100.mul(alphaV).intoArray(c, cAt + 10 * ldc);
            c101.mul(alphaV).intoArray(c, cAt + 10 * ldc + L);
            c110.mul(alphaV).intoArray(c, cAt + 11 * ldc);
            c111.mul(alphaV).intoArray(c, cAt + 11 * ldc + L);
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
        c060.intoArray(acc, 6 * NR);
        c061.intoArray(acc, 6 * NR + L);
        c070.intoArray(acc, 7 * NR);
        c071.intoArray(acc, 7 * NR + L);
        c080.intoArray(acc, 8 * NR);
        c081.intoArray(acc, 8 * NR + L);
        c090.intoArray(acc, 9 * NR);
        c091.intoArray(acc, 9 * NR + L);
        c100.intoArray(acc, 10 * NR);
        c101.intoArray(acc, 10 * NR + L);
        c110.intoArray(acc, 11 * NR);
        c111.intoArray(acc, 11 * NR + L);
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
