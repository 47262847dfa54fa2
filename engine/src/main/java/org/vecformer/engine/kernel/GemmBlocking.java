package org.vecformer.engine.kernel;

/**
 * Cache blocking of the packed GEMM: C is computed in {@code mc × nc} blocks, each as a sum over
 * {@code kc}-deep slices of op(A)·op(B) (GotoBLAS / BLIS loop order, ours in {@link GemmPacked}).
 *
 * <ul>
 *   <li>{@code kc}: depth of one slice,</li>
 *   <li>{@code mc}: rows of a packed A block ({@code mc × kc}),</li>
 *   <li>{@code nc}: columns of a packed B block ({@code kc × nc}).</li>
 * </ul>
 * The micro-tile is {@link #MR} rows by {@link #NR} columns ({@link #NV} vectors of {@link Simd#F}).
 *
 * <p>{@link #DEFAULT} is derived at start-up from the caches the machine reports ({@link CpuCaches}), by
 * asking of each cache level what our loop order ({@link GemmPacked}) keeps there. The micro-kernel broadcasts
 * from one A micro-panel ({@code MR × kc}) while the B micro-panels ({@code kc × NR}) of a B block stream past
 * it, so the A micro-panel is the one thing L1 must hold, next to the lines of B and C in flight; the B block
 * ({@code kc × nc}) is what L2 must hold, since every A micro-panel walks all of it; an A block is never held
 * in a cache level on purpose (each of its micro-panels is used up before the next one is read). With
 * {@code S = 4} bytes a float and caches of {@code W} ways of {@code B} bytes each ({@link #forCaches}):
 * <pre>
 *   kc = min(1024, (W1 − 2)·B1 / (MR·S))    rounded down to a line of floats: the A micro-panel takes
 *                                            L1 but two ways (one for streaming B lines, one for C)
 *   nc = (W2 − 2)·B2 / (kc·S)               rounded down to a multiple of NR: the B block takes L2 but two
 *                                            ways (one for the A micro-panel passing through, one for C)
 *   mc = 8·MR                               packing granularity only
 * </pre>
 * The depth is capped at 1024 because C is read and written once per k slice, so a deeper slice pays
 * wherever the A micro-panel still fits, and 1024 is the deepest slice measured: with the 6-row tile a
 * 48 KiB L1d allows 1,696, and a tile of C read back from memory (every slice after the first) costs
 * 7% against one in L2 (12-row tiles at kc 512 in a harness). The cap rose from 512 when the tile went
 * from 12 to 6 rows; kc 1024 at 6 × 64 measured 1-5% faster than kc 512 at 12 × 32 on every shape of the
 * benchmark on one thread. Widening nc as far as L2 allows for a shallower product (nc 384 at k 512) was 5-6% slower
 * than keeping the rule's nc 192 on the unembedding and QKV shapes; nc 128 or 256 was no better, and
 * padding the packed A rows by a vector (so its 6 rows do not share L1 sets) was level for the micro-kernel (it is
 * padded now for the packing's sake, {@link #A_ROW}). This replaced the analytical
 * model of Low et al. ("Analytical modeling is enough for high-performance BLIS", 2016) turned round for our
 * order, which sizes kc so a streamed B micro-panel fits L1 (kc 256 on a 48 KiB L1d): on an AMD EPYC Zen 5
 * guest it ran 5-20% slower than these rules on 2048³, the QKV and unembedding shapes (one thread, alternating
 * runs), because here the B micro-panels stream from L2 and only the A micro-panel needs L1.
 *
 * <p>When no cache description can be read (no sysfs and no {@code getconf}, or a malformed one) the
 * blocking is {@link #FIXED}: kc 512, mc 8·MR, nc 512, the constants measured before these rules on an
 * AVX-512 machine with a 48 KiB L1d and a 2 MiB L2 (there they beat kc 256 / nc 1024 on the unembedding
 * 1024×48262×512, 290 against 250 GFLOPS on two threads). {@link #description()} says which applied
 * and why.
 *
 * <p>The k slicing fixes the order in which every element of C is summed, so results never depend on
 * the thread count or on {@code mc} and {@code nc}, which only change the order in which tiles are
 * computed. kc does depend on the machine's L1: results are bitwise identical across thread counts and
 * runs on one machine, and may differ in the last bits between machines with different L1 caches.
 *
 * @param kc depth of a k slice, {@code >= 1} (at most {@link #KC} to be used by {@link GemmPacked})
 * @param mc rows of an A block, a multiple of {@link #MR}
 * @param nc columns of a B block, a multiple of {@link #NR}
 */
record GemmBlocking(int kc, int mc, int nc) {
    /** Rows of the micro-tile (see {@link GemmMicroKernel}). */
    static final int MR = 6;
    /** Vectors per row of the micro-tile: 4 with 512-bit vectors (32 registers), else 2 (see {@link GemmMicroKernel}). */
    static final int NV = Simd.LANES >= 16 ? 4 : 2;
    /** Columns of the micro-tile. */
    static final int NR = NV * Simd.LANES;
    /** The blocking of the measured constants, used when the caches cannot be read. */
    static final GemmBlocking FIXED = new GemmBlocking(512, 8 * MR, 512);
    /** Shallowest and deepest k slice the rules may choose. */
    static final int MIN_KC = 16, MAX_KC = 1024;

    /** The blocking used by {@link Gemm}: from this machine's caches, else {@link #FIXED}. */
    static final GemmBlocking DEFAULT = switch (CpuCaches.MACHINE) {
        case CpuCaches.Found f -> forCaches(f.caches());
        case CpuCaches.Unreadable u -> FIXED;
    };
    /** Deepest k slice: {@link #DEFAULT}'s kc. */
    static final int KC = DEFAULT.kc;
    /**
     * Row stride of a packed A micro-panel: {@link #KC} and one vector more. A static final, so C2 folds it into every
     * broadcast's displacement (see {@link GemmMicroKernel}). The vector of padding puts rows that would otherwise lie a
     * whole number of L1 ways apart (4 KiB at kc 1024: every row in one set) into different sets; the micro-kernel
     * does not mind either way, but the transposed packing of A (a weight gradient's xᵀ) writes 16 such rows at a
     * time: products with a transposed A, 512×512×256 and 512×1536×256, went 2-12% faster on one thread and 19% on
     * two, other shapes level (both builds in one process, Zen 5).
     */
    static final int A_ROW = KC + Simd.LANES;

    GemmBlocking {
        if (kc < 1 || mc < MR || mc % MR != 0 || nc < NR || nc % NR != 0) {
            throw new IllegalArgumentException("bad GEMM blocking kc=" + kc + " mc=" + mc + " nc=" + nc);
        }
    }

    /** The blocking the rules above give for {@code caches} and this species' micro-tile. */
    static GemmBlocking forCaches(CpuCaches caches) {
        CpuCaches.Cache l1 = caches.l1d(), l2 = caches.l2();
        int lineFloats = l1.line() / Float.BYTES;
        long kc = (long) (l1.ways() - 2) * l1.wayBytes() / ((long) MR * Float.BYTES) / lineFloats * lineFloats;
        kc = Math.clamp(kc, MIN_KC, MAX_KC);
        long nc = Math.max(NR, (l2.ways() - 2) * l2.wayBytes() / (kc * Float.BYTES) / NR * NR);
        return new GemmBlocking((int) kc, 8 * MR, (int) Math.min(nc, 1 << 16));
    }

    /**
     * The blocking in use and where it came from, one line: e.g. {@code kc=1024 mc=48 nc=192, micro-tile 6×64,
     * from L1d 48 KiB 12-way, L2 1 MiB 16-way, L3 32 MiB 16-way (/sys/devices/system/cpu/cpu0/cache)}.
     */
    static String description() {
        String tile = "kc=" + DEFAULT.kc + " mc=" + DEFAULT.mc + " nc=" + DEFAULT.nc + ", micro-tile " + MR + "×" + NR;
        return switch (CpuCaches.MACHINE) {
            case CpuCaches.Found f -> tile + ", from " + f.caches() + " (" + f.source() + ")";
            case CpuCaches.Unreadable u -> tile + ", fixed constants: " + u.reason();
        };
    }
}
