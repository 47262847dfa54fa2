package org.vecformer.engine.kernel;

/**
 * Cache blocking of the packed GEMM: C is computed in {@code mc × nc} blocks, each as a sum over
 * {@code kc}-deep slices of op(A)·op(B) (GotoBLAS / BLIS loop order).
 *
 * <ul>
 *   <li>{@code kc}: depth of one slice,</li>
 *   <li>{@code mc}: rows of a packed A block ({@code mc × kc}),</li>
 *   <li>{@code nc}: columns of a packed B block ({@code kc × nc}), sized for L2.</li>
 * </ul>
 * The micro-tile is {@link #MR} rows by {@link #NR} columns ({@link #NV} vectors of {@link Simd#F}).
 * The k slicing fixes the order in which every element of C is summed, so it never depends on the
 * thread count; {@code mc} and {@code nc} only change the order in which tiles are computed.
 *
 * @param kc depth of a k slice, {@code 1 <= kc <= KC}
 * @param mc rows of an A block, a multiple of {@link #MR}
 * @param nc columns of a B block, a multiple of {@link #NR}
 */
record GemmBlocking(int kc, int mc, int nc) {
    /** Rows of the micro-tile: 12 with 512-bit vectors (32 registers), else 6 (see {@link GemmMicroKernel}). */
    static final int MR = Simd.LANES >= 16 ? 12 : 6;
    /** Vectors per row of the micro-tile. */
    static final int NV = 2;
    /** Columns of the micro-tile. */
    static final int NR = NV * Simd.LANES;
    /** Deepest k slice, and the row stride of a packed A micro-panel (a constant: see {@link GemmMicroKernel}). */
    static final int KC = 512;

    /**
     * The blocking used by {@link Gemm}, measured on a 512-bit machine (AVX-512, 48 KiB L1d, 2 MiB L2):
     * an A micro-panel (MR × kc = 24 KiB) stays in L1 while the B micro-panels (kc × NR = 64 KiB each)
     * stream from the B block (kc × nc = 1 MiB) in L2. C is re-read and re-written once per k slice, so a
     * deep kc pays where C is large: against kc = 256 (nc 1024) the unembedding 1024×48262×512 went from
     * about 250 to 290 GFLOPS on two threads, the squares moved within the noise (±8%).
     */
    static final GemmBlocking DEFAULT = new GemmBlocking(KC, 8 * MR, 512);

    GemmBlocking {
        if (kc < 1 || kc > KC || mc < MR || mc % MR != 0 || nc < NR || nc % NR != 0) {
            throw new IllegalArgumentException("bad GEMM blocking kc=" + kc + " mc=" + mc + " nc=" + nc);
        }
    }
}
