package org.vecformer.engine.kernel;

import static org.vecformer.engine.kernel.GemmBlocking.NR;
import static org.vecformer.engine.kernel.KernelSizes.ceilDiv;

import org.vecformer.engine.parallel.Parallel;

/**
 * The B operand of {@link Gemm#sgemm(Transpose, int, int, int, float, float[], int, int, OperandB, float, float[], int, int)}:
 * op(B) [k, n], read in place ({@link #inPlace}) or packed ahead of the products that share it ({@link #packed}).
 *
 * <p>The packed path copies every block of op(B) it uses into micro-panels ({@link GemmPacking}) on each product. A
 * weight matrix multiplied by many inputs in a row (the training step runs its batch as several shards, each
 * multiplying the same W_Q|K|V, W_O and W_U, both ways round) is then packed once per shard; packing it once for
 * all of them does that work once. In a d_model 512 training step on one thread the repeated packing of weights took
 * 6.5% of the step (most of it the transposed copies of W for dx = dy·Wᵀ).
 *
 * <p>Packed layout, in k slices of the blocking's depth kc (the same slices every product uses, so the micro-kernel
 * sees exactly the panels it would have packed itself and the bits do not change): slice s holds op(B)[s·kc ..
 * s·kc + depth_s, 0 .. n) as ⌈n/NR⌉ micro-panels of {@code evenDepth(depth_s) × NR}, the last one zero past n; a
 * slice of full depth is {@code ⌈n/NR⌉·evenDepth(kc)·NR} floats. Any B block whose first column is a multiple of NR
 * is then a run of whole micro-panels inside one slice ({@link #blockAt}).
 *
 * <p>A packed operand is a copy: it describes B as it was when packed. The products that {@link Gemm} sends to its
 * small path (matrix-vector and tiny shapes) read B in place, so B must not change while a packed operand of it is in
 * use.
 */
public final class OperandB {
    private final Transpose transB;
    private final int k, n;
    private final float[] b;
    private final int bOff, ldb;
    /** The k slices of op(B) packed as above, or null when B is packed per product. */
    private final float[] panels;
    /** Depth of the packed k slices (the blocking's kc when packed). */
    private final int kc;

    private OperandB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] panels, int kc) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.panels = panels;
        this.kc = kc;
    }

    /** op(B) [k, n] read in place: {@code b[bOff + p·ldb + j]}, or {@code b[bOff + j·ldb + p]} when transposed. */
    public static OperandB inPlace(Transpose transB, int k, int n, float[] b, int bOff, int ldb) {
        check(transB, k, n, b, bOff, ldb);
        return new OperandB(transB, k, n, b, bOff, ldb, null, 0);
    }

    /** op(B) [k, n] as {@link #inPlace}, packed now for the packed path, with as many threads as {@link Parallel} has. */
    public static OperandB packed(Transpose transB, int k, int n, float[] b, int bOff, int ldb) {
        return packed(GemmBlocking.DEFAULT, transB, k, n, b, bOff, ldb, null);
    }

    /**
     * {@link #packed(Transpose, int, int, float[], int, int)} into the panels of {@code retired} when it is a packed
     * operand of the same size, else into new ones (packing writes every float of the panels, padding included):
     * a caller that packs a weight again after each update (a training step) then allocates its panels once.
     * {@code retired} may be null; it must not be used afterwards.
     */
    public static OperandB packed(Transpose transB, int k, int n, float[] b, int bOff, int ldb, OperandB retired) {
        return packed(GemmBlocking.DEFAULT, transB, k, n, b, bOff, ldb, retired);
    }

    /** {@link #packed} in the k slices of {@code blocking} (tests pack in tiny slices). */
    static OperandB packed(GemmBlocking blocking, Transpose transB, int k, int n, float[] b, int bOff, int ldb, OperandB retired) {
        check(transB, k, n, b, bOff, ldb);
        int kc = Math.max(1, Math.min(blocking.kc(), k)), panelsPerSlice = ceilDiv(n, NR);
        long size = packedFloats(blocking, k, n);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("op(B) [" + k + "," + n + "] packed needs " + size + " floats, more than an array holds");
        }
        float[] panels = retired != null && retired.panels != null && retired.panels.length == size ? retired.panels : new float[(int) size];
        OperandB packed = new OperandB(transB, k, n, b, bOff, ldb, panels, kc);
        for (int p0 = 0; p0 < k; p0 += kc) {
            int slice = p0, depth = Math.min(kc, k - p0), panel = GemmPacking.evenDepth(depth) * NR;
            int at = packed.blockAt(slice, 0);
            Parallel.forRange(panelsPerSlice, 4, (from, to) -> GemmPacking.packB(transB, b, bOff, ldb, slice, depth,
                    from * NR, Math.min(to * NR, n) - from * NR, panels, at + from * panel));
        }
        return packed;
    }

    /** Floats a packed op(B) [k, n] holds on this machine: n rounded up to whole micro-panels, each k slice's depth to even. */
    public static long packedFloats(int k, int n) {
        return packedFloats(GemmBlocking.DEFAULT, k, n);
    }

    private static long packedFloats(GemmBlocking blocking, int k, int n) {
        int kc = Math.max(1, Math.min(blocking.kc(), k));
        long size = 0;
        for (int p0 = 0; p0 < k; p0 += kc) size += (long) ceilDiv(n, NR) * GemmPacking.evenDepth(Math.min(kc, k - p0)) * NR;
        return size;
    }

    private static void check(Transpose transB, int k, int n, float[] b, int bOff, int ldb) {
        if (transB == null) throw new IllegalArgumentException("gemm transpose flags must not be null");
        if (k < 0 || n < 0) throw new IllegalArgumentException("gemm sizes must be >= 0: k=" + k + " n=" + n);
        Gemm.checkB(transB, k, n, b, bOff, ldb);
    }

    /** Rows of op(B): the depth k of the products it takes part in. */
    public int k() {
        return k;
    }

    /** Columns of op(B). */
    public int n() {
        return n;
    }

    /** Whether op(B) was packed ahead ({@link #packed}). */
    public boolean isPacked() {
        return panels != null;
    }

    /** Whether op(B) is B transposed. */
    public Transpose transB() {
        return transB;
    }

    /** The array B is read from (in place, and by products on the small path). */
    public float[] b() {
        return b;
    }

    /** Where B starts in {@link #b}. */
    public int bOff() {
        return bOff;
    }

    /** B's leading dimension. */
    public int ldb() {
        return ldb;
    }

    /** Depth of the packed k slices; only when {@link #isPacked}. */
    int kc() {
        return kc;
    }

    /**
     * The packed block op(B)[p0 .. p0+depth, j0 .. j0+cols) ({@code p0} a multiple of the slice depth, {@code j0} of
     * NR, {@code depth} the slice's): the array that holds it, starting at {@link #blockAt}. Packed ahead, that is
     * the packed operand itself; otherwise the block is packed now into this thread's scratch.
     */
    float[] block(int p0, int depth, int j0, int cols, GemmScratch scratch) {
        if (panels != null) return panels;
        float[] bp = scratch.packedB(GemmPacking.evenDepth(depth) * KernelSizes.roundUp(cols, NR));
        GemmPacking.packB(transB, b, bOff, ldb, p0, depth, j0, cols, bp, 0);
        return bp;
    }

    /** Where the block of {@link #block} starting at (p0, j0) starts in its array. */
    int blockAt(int p0, int j0) {
        if (panels == null) return 0;
        int slice = p0 / kc, depth = Math.min(kc, k - p0);
        return slice * ceilDiv(n, NR) * GemmPacking.evenDepth(kc) * NR + j0 / NR * GemmPacking.evenDepth(depth) * NR;
    }
}
