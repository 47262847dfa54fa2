package org.vecformer.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposed copies of float blocks, {@code dst[c][r] = src[r][c]}: the packing of transposed GEMM operands, and
 * the query, value and output tiles of attention that hold one operand with its rows in vector lanes. Where a
 * vector holds 16 floats ({@link #AVAILABLE}) whole 16 × 16 blocks are transposed in registers; the edges, and every
 * other width, go element by element (the scalar loops these copies replaced, and their twin).
 *
 * <p>Four butterfly stages on the 16 rows held as vectors: stage b (1, 2, 4, 8) pairs row i with row i+b
 * (bit b of i clear) and exchanges the elements whose row and column differ in bit b,
 * <pre>
 *   row_i'[j]     = row_i[j]        if bit b of j is clear,  row_{i+b}[j - b]  otherwise
 *   row_{i+b}'[j] = row_i[j + b]    if bit b of j is clear,  row_{i+b}[j]      otherwise
 * </pre>
 * each a two-vector lane selection ({@code selectFrom}, one {@code vpermt2d} on AVX-512). After the four
 * stages every element (r, c) sits at (c, r): 64 selections, 16 loads and 16 stores per block, where the
 * scalar loop took 256 loads and 256 stores scattered over a packed panel larger than L1. The rows are moved as
 * int lanes (the float bits reinterpreted, so nothing is converted): a float index vector is converted to ints
 * and wrapped on every selection, which made a block twice as slow (44 ns against 20 with the block in L1).
 *
 * <p>The order of the blocks follows where the rows fall in L1, whose set index repeats every way ({@link CpuCaches}
 * reads its size and line at start-up). An L1 of 64 sets of 64-byte lines (48 KiB 12-way and 32 KiB 8-way alike)
 * repeats every 4 KiB, so rows 2 KiB apart (the z of d_model 512) start in only two sets, rows 4 KiB apart (a
 * pattern row at T = 1,024) in one. {@link Order} walks the blocks along the source's rows, each
 * source line read once, unless the source's rows are spread over L1 (a packed tile: 16 rows in 8 sets or more) and
 * the destination's are not; then
 * <pre>
 *   2 to 4 sets   DESTINATION_ROWS  blocks down a group of 16 destination rows, finishing their lines in turn
 *   1 set         STAGED            blocks into a small buffer, then the destination rows written whole
 * </pre>
 * Writing a packed 64 × 64 tile along the source into rows 2 KiB apart took 2.1 µs against 0.3 µs into a packed
 * tile (Zen 5, one thread): a block's 16 stores land in two sets, and the tile's 64 rows evict each other's
 * half-written lines. Down the destination rows it took 0.5-0.6 µs. At 4 KiB even one block's 16 rows (32 lines,
 * the stores straddling lines) overflow a set's 12 ways: 3.0 µs along the source, 1.7 down the destination rows,
 * 0.64 staged. When the source's rows crowd too (packing a transposed A, rows 2 or 6 KiB apart, into a panel whose
 * rows were 4 KiB apart before {@link GemmBlocking#A_ROW} padded them) the other orders read source lines again and again: staging made those GEMMs 1-3% slower.
 */
final class BlockTranspose {
    /** Whether this width's vectors hold 16 floats, the block size. */
    static final boolean AVAILABLE = Simd.LANES == 16;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final IntVector LO1 = selection(1, false), HI1 = selection(1, true), LO2 = selection(2, false),
            HI2 = selection(2, true), LO4 = selection(4, false), HI4 = selection(4, true), LO8 = selection(8, false),
            HI8 = selection(8, true);

    private BlockTranspose() {}

    /**
     * Lane indices into the pair (row_i, row_{i+b}) of stage b, the second row's lanes numbered from 16: the new
     * row_i (hi false) or the new row_{i+b} (hi true). Null where vectors do not hold 16 floats.
     */
    private static IntVector selection(int b, boolean hi) {
        if (!AVAILABLE) return null;
        int[] index = new int[16];
        for (int j = 0; j < 16; j++) {
            boolean low = (j & b) == 0;
            index[j] = hi ? (low ? j + b : 16 + j) : (low ? j : 16 + j - b);
        }
        return IntVector.fromArray(I, index, 0);
    }

    /**
     * {@code dst[dOff + c·ldd + r] = src[sOff + r·lds + c]} for {@code r < rows, c < cols}: the blocks of 16 × 16
     * through {@link #block16} where it is available, in the order {@link Order} picks, and the rest element by element.
     */
    static void transpose(float[] src, int sOff, int lds, int rows, int cols, float[] dst, int dOff, int ldd) {
        int rFull = AVAILABLE ? rows & ~15 : 0, cFull = AVAILABLE ? cols & ~15 : 0;
        switch (Order.of(lds, ldd)) {
            case SOURCE_ROWS -> {
                for (int r = 0; r < rFull; r += 16) {
                    for (int c = 0; c < cFull; c += 16) block16(src, sOff + r * lds + c, lds, dst, dOff + c * ldd + r, ldd);
                }
            }
            case DESTINATION_ROWS -> {
                for (int c = 0; c < cFull; c += 16) {
                    for (int r = 0; r < rFull; r += 16) block16(src, sOff + r * lds + c, lds, dst, dOff + c * ldd + r, ldd);
                }
            }
            case STAGED -> staged(src, sOff, lds, rFull, cFull, dst, dOff, ldd);
        }
        for (int r = 0; r < rows; r++) {
            int c = r < rFull ? cFull : 0;
            for (int from = sOff + r * lds, to = dOff + r; c < cols; c++) dst[to + c * ldd] = src[from + c];
        }
    }

    /** The order of the blocks for source rows lds and destination rows ldd floats apart (see the class comment). */
    enum Order {
        SOURCE_ROWS, DESTINATION_ROWS, STAGED;

        /**
         * Bytes of one way of this machine's L1 data cache (the span its set index repeats over) and of its line; 4 KiB
         * and 64 (64 sets of 64-byte lines, every x86 core this project has met) when the caches cannot be read.
         */
        private static final int WAY, LINE;

        static {
            CpuCaches.Cache l1 = CpuCaches.MACHINE instanceof CpuCaches.Found f ? f.caches().l1d() : null;
            WAY = l1 == null ? 4096 : (int) l1.wayBytes();
            LINE = l1 == null ? 64 : l1.line();
        }

        static Order of(int lds, int ldd) {
            return of(lds, ldd, WAY, LINE);
        }

        /** The order for an L1 whose ways are {@code way} bytes of {@code line}-byte lines. */
        static Order of(int lds, int ldd, int way, int line) {
            int destination = sets(ldd, way, line);
            if (destination >= 8 || sets(lds, way, line) < 8) return SOURCE_ROWS;
            return destination >= 2 ? DESTINATION_ROWS : STAGED;
        }

        /**
         * How many sets the starts of 16 rows ld floats apart fall in, ways of {@code way} bytes in lines of
         * {@code line} (set indices taken mod 64: an L1 of more sets would only read as more crowded than it is).
         */
        static int sets(int ld, int way, int line) {
            long sets = 0;
            for (long k = 0; k < 16; k++) sets |= 1L << (k * ld * Float.BYTES % way / line);
            return Long.bitCount(sets);
        }
    }

    /** Source rows per pass of {@link #staged}: its buffer is 16 × STAGE floats (16 KiB), in L1. */
    private static final int STAGE = 256;
    private static final ThreadLocal<float[]> STAGING = ThreadLocal.withInitial(() -> new float[16 * STAGE]);

    /**
     * The whole 16 × 16 blocks of {@link #transpose} ({@code rows}, {@code cols} multiples of 16): for each group of 16
     * destination rows, up to {@link #STAGE} source rows at a time are transposed into buf [16, STAGE], then each
     * destination row's run copied out whole, so its lines are finished one after another.
     */
    private static void staged(float[] src, int sOff, int lds, int rows, int cols, float[] dst, int dOff, int ldd) {
        if (rows == 0 || cols == 0) return;
        float[] buf = STAGING.get();
        for (int c = 0; c < cols; c += 16) {
            for (int r0 = 0; r0 < rows; r0 += STAGE) {
                int n = Math.min(STAGE, rows - r0);
                for (int r = 0; r < n; r += 16) block16(src, sOff + (r0 + r) * lds + c, lds, buf, r, STAGE);
                for (int x = 0; x < 16; x++) {
                    int to = dOff + (c + x) * ldd + r0;
                    for (int r = 0; r < n; r += 16) FloatVector.fromArray(S, buf, x * STAGE + r).intoArray(dst, to + r);
                }
            }
        }
    }

    /**
     * {@code dst[dOff + c·ldd + r] = src[sOff + r·lds + c]} for {@code r, c < 16}; only where {@link #AVAILABLE}.
     * The 16 rows are named locals: an array of vectors would be boxed.
     */
    static void block16(float[] src, int sOff, int lds, float[] dst, int dOff, int ldd) {
        IntVector r0 = row(src, sOff), r1 = row(src, sOff + lds);
        IntVector r2 = row(src, sOff + 2 * lds), r3 = row(src, sOff + 3 * lds);
        IntVector r4 = row(src, sOff + 4 * lds), r5 = row(src, sOff + 5 * lds);
        IntVector r6 = row(src, sOff + 6 * lds), r7 = row(src, sOff + 7 * lds);
        IntVector r8 = row(src, sOff + 8 * lds), r9 = row(src, sOff + 9 * lds);
        IntVector r10 = row(src, sOff + 10 * lds), r11 = row(src, sOff + 11 * lds);
        IntVector r12 = row(src, sOff + 12 * lds), r13 = row(src, sOff + 13 * lds);
        IntVector r14 = row(src, sOff + 14 * lds), r15 = row(src, sOff + 15 * lds);
        IntVector t;
        t = LO1.selectFrom(r0, r1); r1 = HI1.selectFrom(r0, r1); r0 = t;
        t = LO1.selectFrom(r2, r3); r3 = HI1.selectFrom(r2, r3); r2 = t;
        t = LO1.selectFrom(r4, r5); r5 = HI1.selectFrom(r4, r5); r4 = t;
        t = LO1.selectFrom(r6, r7); r7 = HI1.selectFrom(r6, r7); r6 = t;
        t = LO1.selectFrom(r8, r9); r9 = HI1.selectFrom(r8, r9); r8 = t;
        t = LO1.selectFrom(r10, r11); r11 = HI1.selectFrom(r10, r11); r10 = t;
        t = LO1.selectFrom(r12, r13); r13 = HI1.selectFrom(r12, r13); r12 = t;
        t = LO1.selectFrom(r14, r15); r15 = HI1.selectFrom(r14, r15); r14 = t;
        t = LO2.selectFrom(r0, r2); r2 = HI2.selectFrom(r0, r2); r0 = t;
        t = LO2.selectFrom(r1, r3); r3 = HI2.selectFrom(r1, r3); r1 = t;
        t = LO2.selectFrom(r4, r6); r6 = HI2.selectFrom(r4, r6); r4 = t;
        t = LO2.selectFrom(r5, r7); r7 = HI2.selectFrom(r5, r7); r5 = t;
        t = LO2.selectFrom(r8, r10); r10 = HI2.selectFrom(r8, r10); r8 = t;
        t = LO2.selectFrom(r9, r11); r11 = HI2.selectFrom(r9, r11); r9 = t;
        t = LO2.selectFrom(r12, r14); r14 = HI2.selectFrom(r12, r14); r12 = t;
        t = LO2.selectFrom(r13, r15); r15 = HI2.selectFrom(r13, r15); r13 = t;
        t = LO4.selectFrom(r0, r4); r4 = HI4.selectFrom(r0, r4); r0 = t;
        t = LO4.selectFrom(r1, r5); r5 = HI4.selectFrom(r1, r5); r1 = t;
        t = LO4.selectFrom(r2, r6); r6 = HI4.selectFrom(r2, r6); r2 = t;
        t = LO4.selectFrom(r3, r7); r7 = HI4.selectFrom(r3, r7); r3 = t;
        t = LO4.selectFrom(r8, r12); r12 = HI4.selectFrom(r8, r12); r8 = t;
        t = LO4.selectFrom(r9, r13); r13 = HI4.selectFrom(r9, r13); r9 = t;
        t = LO4.selectFrom(r10, r14); r14 = HI4.selectFrom(r10, r14); r10 = t;
        t = LO4.selectFrom(r11, r15); r15 = HI4.selectFrom(r11, r15); r11 = t;
        LO8.selectFrom(r0, r8).reinterpretAsFloats().intoArray(dst, dOff);
        HI8.selectFrom(r0, r8).reinterpretAsFloats().intoArray(dst, dOff + 8 * ldd);
        LO8.selectFrom(r1, r9).reinterpretAsFloats().intoArray(dst, dOff + ldd);
        HI8.selectFrom(r1, r9).reinterpretAsFloats().intoArray(dst, dOff + 9 * ldd);
        LO8.selectFrom(r2, r10).reinterpretAsFloats().intoArray(dst, dOff + 2 * ldd);
        HI8.selectFrom(r2, r10).reinterpretAsFloats().intoArray(dst, dOff + 10 * ldd);
        LO8.selectFrom(r3, r11).reinterpretAsFloats().intoArray(dst, dOff + 3 * ldd);
        HI8.selectFrom(r3, r11).reinterpretAsFloats().intoArray(dst, dOff + 11 * ldd);
        LO8.selectFrom(r4, r12).reinterpretAsFloats().intoArray(dst, dOff + 4 * ldd);
        HI8.selectFrom(r4, r12).reinterpretAsFloats().intoArray(dst, dOff + 12 * ldd);
        LO8.selectFrom(r5, r13).reinterpretAsFloats().intoArray(dst, dOff + 5 * ldd);
        HI8.selectFrom(r5, r13).reinterpretAsFloats().intoArray(dst, dOff + 13 * ldd);
        LO8.selectFrom(r6, r14).reinterpretAsFloats().intoArray(dst, dOff + 6 * ldd);
        HI8.selectFrom(r6, r14).reinterpretAsFloats().intoArray(dst, dOff + 14 * ldd);
        LO8.selectFrom(r7, r15).reinterpretAsFloats().intoArray(dst, dOff + 7 * ldd);
        HI8.selectFrom(r7, r15).reinterpretAsFloats().intoArray(dst, dOff + 15 * ldd);
    }

    /** The 16 floats at src[off..off+16) as int lanes, the same bits. */
    private static IntVector row(float[] src, int off) {
        return FloatVector.fromArray(S, src, off).reinterpretAsInts();
    }
}
