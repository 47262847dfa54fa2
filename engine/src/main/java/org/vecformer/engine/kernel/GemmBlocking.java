package org.vecformer.engine.kernel;

/**
 * Cache blocking of the packed GEMM: C is computed in {@code mc × nc} blocks, each as a sum over
 * {@code kc}-deep slices of op(A)·op(B) (GotoBLAS / BLIS loop order).
 *
 * <ul>
 *   <li>{@code kc}: depth of one slice,</li>
 *   <li>{@code mc}: rows of an A block ({@code mc × kc}, packed only when A is transposed), sized for L2,</li>
 *   <li>{@code nc}: columns of a packed B block ({@code kc × nc}), sized for L3.</li>
 * </ul>
 * The micro-tile is {@link #MR} rows by {@link #NR} columns ({@link #NV} vectors of {@link Simd#F}).
 * The k slicing fixes the order in which every element of C is summed, so it never depends on the
 * thread count; {@code mc} and {@code nc} only change the order in which tiles are computed.
 *
 * @param kc depth of a k slice, {@code >= 1}
 * @param mc rows of an A block, a multiple of {@link #MR}
 * @param nc columns of a B block, a multiple of {@link #NR}
 */
record GemmBlocking(int kc, int mc, int nc) {
    /** Rows of the micro-tile. */
    static final int MR = 6;
    /** Vectors per row of the micro-tile. */
    static final int NV = 2;
    /** Columns of the micro-tile. */
    static final int NR = NV * Simd.LANES;

    /**
     * The blocking used by {@link Gemm}, chosen by interleaved A/B timing on a 512-bit machine (AVX-512,
     * 48 KiB L1d, 1 MiB L2): deep k slices win because every slice re-reads and re-writes C, and C's rows
     * are far apart; a B micro-panel (kc × NR = 128 KiB) then streams from L2 while A's six rows stay in L1.
     */
    static final GemmBlocking DEFAULT = new GemmBlocking(1024, 8 * MR, 2048);

    GemmBlocking {
        if (kc < 1 || mc < MR || mc % MR != 0 || nc < NR || nc % NR != 0) {
            throw new IllegalArgumentException("bad GEMM blocking kc=" + kc + " mc=" + mc + " nc=" + nc);
        }
    }
}
