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
 * <p>{@link #DEFAULT} is derived at start-up from the caches Linux reports ({@link CpuCaches}) by the
 * analytical model of Low, Igual, Smith and Quintana-Ortí ("Analytical modeling is enough for
 * high-performance BLIS", ACM TOMS 2016), turned round for our loop order: BLIS keeps a B micro-panel in
 * L1 and streams A micro-panels past it, we keep the A micro-panel ({@code MR × kc}, the one the
 * micro-kernel broadcasts from) in L1 and stream the B micro-panels ({@code kc × NR}) from a B block held
 * in L2. With {@code S = 4} bytes a float and a cache of {@code W} ways of {@code N} sets of {@code C}
 * bytes ({@link #forCaches}):
 * <pre>
 *   kc = ⌊(W1 − 1)·NR / (NR + MR)⌋ · N1·C1 / (NR·S)      rounded down to a line of floats, within [16, 1024]
 *   mc = ⌊N2·C2 / (kc·S)⌋                                rounded down to a multiple of MR, at least MR
 *   nc = (W2 − 2) · N2·C2 / (kc·S)                       rounded down to a multiple of NR, at least NR
 * </pre>
 * kc: the streamed B micro-panel gets {@code ⌊(W1 − 1)/(1 + MR/NR)⌋} ways of L1 and the A micro-panel
 * (MR/NR of its size) the ways beside it, one way left over so that each new B micro-panel evicts the
 * previous one (the least recently used lines) and never the A micro-panel. The A micro-panel's row stride
 * is {@link #KC}, equal to this kc, so it is one contiguous run and spreads over all sets as the model assumes.
 * mc: an A block fills one way of L2. nc: the B block fills the other ways but one, kept for the lines of C
 * and of the next A block passing through. A deeper kc also means C is read and written fewer times
 * (once per k slice), which is why kc is not made smaller than the model allows. The L3 does not enter:
 * in our order nothing is held there on purpose (a part's whole A slice, see {@link GemmPacked}, is
 * bounded by buffer size instead).
 *
 * <p>When no cache description can be read (no sysfs, as in some VMs, or a malformed one) the blocking
 * is {@link #FIXED}: kc 512, mc 8·MR, nc 512, the constants measured before the model on one AVX-512
 * machine with a 48 KiB L1d and a 2 MiB L2 (there they beat kc 256 / nc 1024 on the unembedding
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
    /** Rows of the micro-tile: 12 with 512-bit vectors (32 registers), else 6 (see {@link GemmMicroKernel}). */
    static final int MR = Simd.LANES >= 16 ? 12 : 6;
    /** Vectors per row of the micro-tile. */
    static final int NV = 2;
    /** Columns of the micro-tile. */
    static final int NR = NV * Simd.LANES;
    /** The blocking of the measured constants, used when the caches cannot be read. */
    static final GemmBlocking FIXED = new GemmBlocking(512, 8 * MR, 512);
    /** Shallowest and deepest k slice the model may choose. */
    static final int MIN_KC = 16, MAX_KC = 1024;

    private static final CpuCaches.Reading READING = CpuCaches.read();
    /** The blocking used by {@link Gemm}: from this machine's caches, else {@link #FIXED}. */
    static final GemmBlocking DEFAULT = switch (READING) {
        case CpuCaches.Found f -> forCaches(f.caches());
        case CpuCaches.Unreadable u -> FIXED;
    };
    /**
     * Deepest k slice, and the row stride of a packed A micro-panel: {@link #DEFAULT}'s kc. A static final,
     * so C2 folds it into every broadcast's displacement (see {@link GemmMicroKernel}).
     */
    static final int KC = DEFAULT.kc;

    GemmBlocking {
        if (kc < 1 || mc < MR || mc % MR != 0 || nc < NR || nc % NR != 0) {
            throw new IllegalArgumentException("bad GEMM blocking kc=" + kc + " mc=" + mc + " nc=" + nc);
        }
    }

    /** The blocking the model above gives for {@code caches} and this species' micro-tile. */
    static GemmBlocking forCaches(CpuCaches caches) {
        CpuCaches.Cache l1 = caches.l1d(), l2 = caches.l2();
        int lineFloats = l1.line() / Float.BYTES;
        long streamWays = (long) (l1.ways() - 1) * NR / (NR + MR);
        long kc = streamWays * l1.wayBytes() / ((long) NR * Float.BYTES) / lineFloats * lineFloats;
        kc = Math.clamp(kc, MIN_KC, MAX_KC);
        long sliceRow = kc * Float.BYTES;
        long mc = Math.max(MR, l2.wayBytes() / sliceRow / MR * MR);
        long nc = Math.max(NR, (l2.ways() - 2) * l2.wayBytes() / sliceRow / NR * NR);
        return new GemmBlocking((int) kc, (int) Math.min(mc, 1 << 16), (int) Math.min(nc, 1 << 16));
    }

    /**
     * The blocking in use and where it came from, one line: e.g. {@code kc=256 mc=60 nc=896, micro-tile 12×32,
     * from L1d 48 KiB 12-way, L2 1 MiB 16-way, L3 32 MiB 16-way (/sys/devices/system/cpu/cpu0/cache)}.
     */
    static String description() {
        String tile = "kc=" + DEFAULT.kc + " mc=" + DEFAULT.mc + " nc=" + DEFAULT.nc + ", micro-tile " + MR + "×" + NR;
        return switch (READING) {
            case CpuCaches.Found f -> tile + ", from " + f.caches() + " (" + f.source() + ")";
            case CpuCaches.Unreadable u -> tile + ", fixed constants: " + u.reason();
        };
    }
}
