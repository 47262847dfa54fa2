package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.MR;
import static org.vecformer.engine.kernel.GemmBlocking.NR;

import org.vecformer.engine.parallel.Parallel;

/**
 * The packed, cache-blocked GEMM {@code C = alpha·op(A)·op(B) + beta·C} (row-major, op(A) [m,k],
 * op(B) [k,n], C [m,n], {@code k >= 1}):
 * <pre>
 *   for jc in n by nc:                      B block op(B)[pc.., jc..] packed once (kc × nc, in L3),
 *     for pc in k by kc:                    shared read-only by all threads
 *       pack B block                        (parallel over its NR micro-panels)
 *       parallel for ic in m by mc':        each thread packs its own A block (mc' × kc, in L2) if A is transposed
 *         for jr in nc by NR:               B micro-panel kc × NR stays in L1
 *           for ir in mc' by MR:
 *             micro-kernel C[ir.., jr..] (beta for the first k slice, 1 after)
 * </pre>
 * When A is not transposed the micro-kernel reads its rows in place (six row streams; a packed copy cost
 * up to a fifth of the product at 1024³ and about as much as the product when C is narrow); only a
 * transposed A is packed. Threads split the rows of C ({@code mc' <= mc}, smaller when there are fewer blocks than threads);
 * k is never split, so every element is summed in the same order for any thread count.
 */
final class GemmPacked {
    private GemmPacked() {}

    static void sgemm(GemmBlocking blocking, Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int threads = Parallel.threads();
        int kc = Math.min(blocking.kc(), k);
        int nc = Math.min(blocking.nc(), roundUp(n, NR));
        int mc = Math.min(blocking.mc(), roundUp(ceilDiv(m, threads), MR));
        int aSize = transA == Transpose.N ? 0 : mc * kc;
        float[] bp = GemmScratch.local().packedB(kc * nc);
        for (int jc = 0; jc < n; jc += nc) {
            int j0 = jc, cols = Math.min(nc, n - jc), panels = ceilDiv(cols, NR);
            for (int pc = 0; pc < k; pc += kc) {
                int p0 = pc, depth = Math.min(kc, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                Parallel.forRange(panels, ceilDiv(panels, threads),
                        (q0, q1) -> GemmPacking.packB(transB, b, bOff, ldb, p0, depth, j0, cols, q0, q1, bp));
                Parallel.forRange(ceilDiv(m, mc), 1, (from, to) -> {
                    GemmScratch scratch = GemmScratch.local();
                    float[] ap = scratch.packedA(aSize);
                    float[] tile = scratch.tile(MR * NR);
                    for (int ib = from; ib < to; ib++) {
                        int i0 = ib * mc, rows = Math.min(mc, m - i0);
                        if (transA == Transpose.N) {
                            block(depth, a, aOff + i0 * lda + p0, lda, 1, MR * lda, bp, alpha, betaHere,
                                    c, cOff + i0 * ldc + j0, ldc, rows, cols, tile);
                        } else {
                            GemmPacking.packTransposedA(a, aOff, lda, i0, rows, p0, depth, ap);
                            block(depth, ap, 0, 1, MR, MR * depth, bp, alpha, betaHere,
                                    c, cOff + i0 * ldc + j0, ldc, rows, cols, tile);
                        }
                    }
                });
            }
        }
    }

    /**
     * One {@code rows × cols} block of C from a k slice: for each B micro-panel, every A micro-panel
     * ({@code rs}, {@code ps} as in {@link GemmMicroKernel}; consecutive A panels {@code panelStep} apart).
     */
    private static void block(int depth, float[] a, int aAt, int rs, int ps, int panelStep, float[] bp,
                              float alpha, float beta, float[] c, int cAt, int ldc, int rows, int cols, float[] tile) {
        for (int jr = 0; jr < cols; jr += NR) {
            int bAt = jr / NR * depth * NR, w = Math.min(NR, cols - jr);
            for (int ir = 0, q = 0; ir < rows; ir += MR, q++) {
                GemmMicroKernel.tile(depth, a, aAt + q * panelStep, rs, ps, bp, bAt, alpha, beta,
                        c, cAt + ir * ldc + jr, ldc, Math.min(MR, rows - ir), w, tile);
            }
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
