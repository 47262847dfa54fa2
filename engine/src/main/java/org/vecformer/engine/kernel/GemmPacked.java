package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.A_ROW;
import static org.vecformer.engine.kernel.GemmBlocking.KC;
import static org.vecformer.engine.kernel.GemmBlocking.MR;
import static org.vecformer.engine.kernel.GemmBlocking.NR;
import static org.vecformer.engine.kernel.GemmBlocking.NV;
import static org.vecformer.engine.kernel.KernelSizes.ceilDiv;
import static org.vecformer.engine.kernel.KernelSizes.roundUp;

import org.vecformer.engine.parallel.Parallel;

/**
 * The packed, cache-blocked GEMM {@code C = alpha·op(A)·op(B) + beta·C} (row-major, op(A) [m,k],
 * op(B) [k,n], C [m,n], {@code k >= 1}).
 *
 * <p>Threads each take one part of C: a run of columns (a multiple of NR wide) when C is wide enough
 * to give every thread at least {@link #MIN_PANELS} B micro-panels and is not taller than it is wide, else a
 * run of rows (a multiple of MR). With rows split every thread packs all of B, so the taller C splits its rows:
 * 2048×512×512 on two threads went from 336-352 to 362-368 GFLOPS (1024×512×512 level; separate processes in
 * turn, Zen 5). With columns split and parts wider than a B block, the threads share the packing of A
 * ({@link #sharedSlices}): each k slice of A is packed once, each thread packing a run of its micro-panels, and
 * then every thread walks its own columns over the whole packed slice. Before, every thread packed all of A for
 * itself; sharing it took 2048³ on two threads from 385 to 400 GFLOPS, 1024³ and the QKV shape 1024×1536×512
 * 4-5% (medians of paired rounds, both builds in one process, Zen 5), 512³ level. Otherwise one parallel loop per
 * call, each thread with buffers of its own. A part one B block wide
 * ({@code cols <= nc}), or taller than {@link #MAX_ROWS_PACKED_ONCE}, is computed by
 * <pre>
 *   for jc in its columns by nc:
 *     for pc in k by kc:
 *       pack B block op(B)[pc.., jc..] (kc × nc, L2) into this thread's buffer
 *       for ic in its rows by mc:
 *         pack A block (mc × kc)
 *         for ir in mc by MR:          A micro-panel MR × kc (L1)
 *           for jr in nc by NR:        B micro-panel kc × NR (streamed from L2)
 *             micro-kernel C[ir.., jr..] (beta for the first k slice, 1 after)
 * </pre>
 * This is the BLIS order: the panel the micro-kernel broadcasts from stays in L1 while the vector
 * panels stream past it, and C is walked along its rows. (Walking B panels in the outer loop and A
 * panels in the inner one was 15-25% slower at 2048³ on AVX-512.) It packs every A block again for
 * each B block, so a wider part packs each k slice of its rows once and walks the B blocks over it:
 * <pre>
 *   for pc in k by kc:
 *     pack A slice op(A)[its rows, pc..] (rows × kc, L2/L3)
 *     for jc in its columns by nc:
 *       pack B block; for ir in its rows by MR: for jr in nc by NR: micro-kernel
 * </pre>
 * On one thread that gained 2-8% on the unembedding 1024×48262×512 (which repacked A 95 times) and
 * about 5% at 2048³, and was even at 1024³ and 1024×1536×512 (alternating A/B runs of both builds).
 * "Pack B block" means: take it from op(B) packed ahead when the caller gave one ({@link OperandB#packed}: the
 * same k slices and panels, so the same bits), else pack it now into this thread's buffer.
 * A part's columns are cut into ⌈cols/nc⌉ B blocks of equal width (rounded up to NR), so no thin block is
 * left at the end. Either way k is never split and the k slices are fixed, so every element is summed in the same order
 * for any thread count, split and loop order.
 */
final class GemmPacked {
    /** Fewest B micro-panels per thread for which threads split C's columns rather than its rows. */
    static final int MIN_PANELS = 4;
    /** Most rows of a part whose k slices of A are packed whole: 2048 rows at KC = 1024 (8.1 MiB per thread with rows {@link GemmBlocking#A_ROW} apart). */
    static final int MAX_ROWS_PACKED_ONCE = (1 << 21) / KC;

    private GemmPacked() {}

    static void sgemm(GemmBlocking blocking, Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        sgemm(blocking, transA, m, n, k, alpha, a, aOff, lda, OperandB.inPlace(transB, k, n, b, bOff, ldb), beta, c, cOff, ldc);
    }

    /** As above with op(B) read in place or packed ahead in this blocking's k slices ({@link OperandB}). */
    static void sgemm(GemmBlocking blocking, Transpose transA, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, OperandB b, float beta, float[] c, int cOff, int ldc) {
        if (blocking.kc() > KC) throw new IllegalArgumentException("kc=" + blocking.kc() + " exceeds the deepest slice KC=" + KC);
        if (b.isPacked() && b.kc() != Math.min(blocking.kc(), k)) {
            throw new IllegalArgumentException("B packed in k slices of " + b.kc() + ", the blocking slices by " + blocking.kc());
        }
        int threads = Parallel.threads();
        Part part = (i0, rows, j0, cols) -> part(blocking, transA, k, alpha, a, aOff, lda, b,
                beta, c, cOff, ldc, i0, rows, j0, cols);
        if (ceilDiv(n, NR) >= MIN_PANELS * threads && n >= m) {
            int chunk = roundUp(ceilDiv(n, threads), NR);
            if (threads > 1 && chunk > blockWidth(blocking, chunk) && m <= MAX_ROWS_PACKED_ONCE) {
                sharedSlices(blocking, transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc, threads, chunk);
                return;
            }
            Parallel.forRange(n, chunk, (from, to) -> part.run(0, m, from, to - from));
        } else {
            Parallel.forRange(m, roundUp(ceilDiv(m, threads), MR), (from, to) -> part.run(from, to - from, 0, n));
        }
    }

    /**
     * C's columns split over the threads in runs of {@code chunk}, each run wider than a B block, with A's k slices
     * packed once for all of them:
     * <pre>
     *   for pc in k by kc:
     *     parallel over A's micro-panels: pack op(A)[its rows, pc..] into the shared slice (m × kc)
     *     parallel over C's column runs:  for jc in its columns by nc: pack B block; for ir in m by MR: for jr: micro-kernel
     * </pre>
     * The slice is the calling thread's A buffer, written by all threads and then only read; the end of each
     * parallel loop orders the writes before the reads. The same k slices and micro-kernel calls as the
     * per-thread order, so the same bits.
     */
    private static void sharedSlices(GemmBlocking blocking, Transpose transA, int m, int n, int k, float alpha,
                                     float[] a, int aOff, int lda, OperandB b, float beta,
                                     float[] c, int cOff, int ldc, int threads, int chunk) {
        int kc = Math.min(blocking.kc(), k), panels = ceilDiv(m, MR);
        float[] ap = GemmScratch.local().packedA(panels * MR * A_ROW);
        for (int pc = 0; pc < k; pc += kc) {
            int p0 = pc, depth = Math.min(kc, k - pc);
            float betaHere = pc == 0 ? beta : 1f;
            Parallel.forRange(panels, ceilDiv(panels, threads), (from, to) -> {
                int i0 = from * MR;
                GemmPacking.packA(transA, a, aOff, lda, i0, Math.min(to * MR, m) - i0, p0, depth, ap, i0 * A_ROW);
            });
            Parallel.forRange(n, chunk, (from, to) -> sliceTimesBlocks(b, p0, depth, from, to - from,
                    blockWidth(blocking, to - from), ap, alpha, betaHere, c, cOff + from, ldc, m, GemmScratch.local()));
        }
    }

    /** One thread's part of C: rows {@code [i0, i0+rows)}, columns {@code [j0, j0+cols)}. */
    @FunctionalInterface
    private interface Part {
        void run(int i0, int rows, int j0, int cols);
    }

    private static void part(GemmBlocking blocking, Transpose transA, int k, float alpha,
                             float[] a, int aOff, int lda, OperandB b, float beta,
                             float[] c, int cOff, int ldc, int i0, int rows, int j0, int cols) {
        int kc = Math.min(blocking.kc(), k), nc = blockWidth(blocking, cols), mc = blocking.mc();
        GemmScratch scratch = GemmScratch.local();
        if (cols > nc && rows <= MAX_ROWS_PACKED_ONCE) {
            float[] ap = scratch.packedA(roundUp(rows, MR) * A_ROW);
            for (int pc = 0; pc < k; pc += kc) {
                int depth = Math.min(kc, k - pc);
                GemmPacking.packA(transA, a, aOff, lda, i0, rows, pc, depth, ap);
                sliceTimesBlocks(b, pc, depth, j0, cols, nc, ap, alpha, pc == 0 ? beta : 1f,
                        c, cOff + i0 * ldc + j0, ldc, rows, scratch);
            }
            return;
        }
        float[] acc = scratch.tile(MR * NR);
        float[] ap = scratch.packedA(mc * A_ROW);
        for (int jc = 0; jc < cols; jc += nc) {
            int w = Math.min(nc, cols - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int depth = Math.min(kc, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                float[] bp = b.block(pc, depth, j0 + jc, w, scratch);
                int bAt = b.blockAt(pc, j0 + jc);
                for (int ic = 0; ic < rows; ic += mc) {
                    int i = i0 + ic, h = Math.min(mc, rows - ic), cAt = cOff + i * ldc + j0 + jc;
                    GemmPacking.packA(transA, a, aOff, lda, i, h, pc, depth, ap);
                    block(GemmPacking.evenDepth(depth), ap, bp, bAt, alpha, betaHere, c, cAt, ldc, h, w, acc);
                }
            }
        }
    }

    /** Width of a part's B blocks: its columns cut into ⌈cols/nc⌉ blocks of equal width, rounded up to NR. */
    private static int blockWidth(GemmBlocking blocking, int cols) {
        return roundUp(ceilDiv(cols, ceilDiv(cols, blocking.nc())), NR);
    }

    /**
     * A packed k slice of A ({@code rows × depth}, from {@code p0}) against columns {@code [j0, j0+cols)} of op(B):
     * for each B block of width {@code nc}, pack it and run every A micro-panel over it, into C from {@code cAt}
     * (the element of C at the slice's first row and column j0).
     */
    private static void sliceTimesBlocks(OperandB b, int p0, int depth, int j0, int cols,
                                         int nc, float[] ap, float alpha, float beta, float[] c, int cAt, int ldc, int rows,
                                         GemmScratch scratch) {
        float[] acc = scratch.tile(MR * NR);
        for (int jc = 0; jc < cols; jc += nc) {
            int w = Math.min(nc, cols - jc);
            float[] bp = b.block(p0, depth, j0 + jc, w, scratch);
            block(GemmPacking.evenDepth(depth), ap, bp, b.blockAt(p0, j0 + jc), alpha, beta, c, cAt + jc, ldc, rows, w, acc);
        }
    }

    /**
     * One {@code rows × cols} block of C from a k slice packed {@code depth} deep (even), its B micro-panels from
     * {@code bp[bAt]} on: for each packed A micro-panel, every packed B micro-panel; {@code acc} is the
     * micro-kernel's scratch tile.
     */
    private static void block(int depth, float[] ap, float[] bp, int bAt0, float alpha, float beta,
                              float[] c, int cAt, int ldc, int rows, int cols, float[] acc) {
        for (int ir = 0; ir < rows; ir += MR) {
            int h = Math.min(MR, rows - ir), aAt = ir * A_ROW;
            for (int jr = 0; jr < cols; jr += NR) {
                int bAt = bAt0 + jr / NR * depth * NR, w = Math.min(NR, cols - jr), at = cAt + ir * ldc + jr;
                if (NV == 4) GemmMicroKernel.tile6x4(depth, ap, aAt, bp, bAt, alpha, beta, c, at, ldc, h, w, acc);
                else GemmMicroKernel.tile6x2(depth, ap, aAt, bp, bAt, alpha, beta, c, at, ldc, h, w, acc);
            }
        }
    }


}
