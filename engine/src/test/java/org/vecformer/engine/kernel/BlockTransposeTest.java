package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockTranspose#transpose} against its definition, {@code dst[c][r] = src[r][c]}, in each order of the blocks
 * (chosen by where 16 rows fall in a 4 KiB span of L1 sets), with edges around the 16-wide blocks, more source rows
 * than one staging pass holds, and nothing written outside the destination block.
 */
@Tag("kernel")
class BlockTransposeTest {
    private static final int[] EXTENTS = {1, 15, 16, 17, 33, 64, 77};

    @Test
    void theOrderFollowsHowManyL1SetsSixteenRowsStartIn() {
        // ways of 4 KiB in 64-byte lines (48 KiB 12-way, 32 KiB 8-way): a row stride of 64 floats (256 bytes) puts 16
        // rows in 16 sets, 512 floats (2 KiB) in 2, 1,024 (4 KiB) in 1
        int way = 4096, line = 64;
        assertEquals(16, BlockTranspose.Order.sets(64, way, line));
        assertEquals(8, BlockTranspose.Order.sets(128, way, line));
        assertEquals(4, BlockTranspose.Order.sets(256, way, line));
        assertEquals(2, BlockTranspose.Order.sets(512, way, line));
        assertEquals(2, BlockTranspose.Order.sets(1536, way, line));
        assertEquals(1, BlockTranspose.Order.sets(1024, way, line));
        assertEquals(16, BlockTranspose.Order.sets(1040, way, line));
        assertEquals(BlockTranspose.Order.SOURCE_ROWS, BlockTranspose.Order.of(1536, 64, way, line));
        assertEquals(BlockTranspose.Order.SOURCE_ROWS, BlockTranspose.Order.of(64, 1040, way, line));
        assertEquals(BlockTranspose.Order.DESTINATION_ROWS, BlockTranspose.Order.of(64, 512, way, line));
        assertEquals(BlockTranspose.Order.DESTINATION_ROWS, BlockTranspose.Order.of(64, 256, way, line));
        assertEquals(BlockTranspose.Order.STAGED, BlockTranspose.Order.of(64, 1024, way, line));
        // both sides crowded: along the source, each of its lines read once
        assertEquals(BlockTranspose.Order.SOURCE_ROWS, BlockTranspose.Order.of(512, 1024, way, line));
        // ways of 2 KiB (32 sets): rows 2 KiB apart all start in one set
        assertEquals(1, BlockTranspose.Order.sets(512, 2048, line));
        assertEquals(BlockTranspose.Order.STAGED, BlockTranspose.Order.of(64, 512, 2048, line));
    }

    @Test
    void everyOrderMovesEveryElementAcrossTheDiagonal() {
        Random rnd = new Random(11);
        // source rows 64 or 1,536 floats apart; destination rows that pick each order
        int[][] strides = {{64, 1040}, {1536, 64}, {64, 512}, {64, 256}, {64, 1024}, {512, 1024}};
        for (int[] ld : strides) {
            for (int rows : EXTENTS) for (int cols : EXTENTS) check(rnd, rows, cols, ld[0], ld[1]);
        }
        // more source rows than one staging pass (256) holds, into rows 4 KiB apart
        check(rnd, 300, 48, 64, 1024);
    }

    private static void check(Random rnd, int rows, int cols, int lds, int ldd) {
        int sOff = rnd.nextInt(5), dOff = rnd.nextInt(5);
        int ls = Math.max(lds, cols), ld = Math.max(ldd, rows);
        float[] src = Lengths.random(rnd, sOff + rows * ls, 0), dst = new float[dOff + cols * ld + 3];
        Arrays.fill(dst, Float.NaN);
        BlockTranspose.transpose(src, sOff, ls, rows, cols, dst, dOff, ld);
        String where = rows + " x " + cols + ", lds " + ls + ", ldd " + ld + " (" + BlockTranspose.Order.of(ls, ld) + ")";
        for (int i = 0; i < dst.length; i++) {
            int c = (i - dOff) / ld, r = (i - dOff) % ld;
            boolean inside = i >= dOff && c < cols && r < rows;
            float expected = inside ? src[sOff + r * ls + c] : Float.NaN;
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(dst[i])) {
                assertEquals(expected, dst[i], where + ": element " + i + (inside ? " (" + r + ", " + c + ")" : ", outside the block"));
            }
        }
    }
}
