package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.RefEmbeddingBackward;

/**
 * SIMD row scatter-adds against their twin: same rows in the same order give the same bits, read and written through
 * offsets and leading dimensions wider than the rows (the padding must stay untouched).
 */
@Tag("kernel")
class EmbeddingBackwardTest {
    @Test
    void matchesTwinOnAwkwardWidthsAndStrides() {
        Random rnd = new Random(41);
        int tableRows = 7, period = 5, nPeriodic = 6;
        Lengths.awkward().filter(d -> d <= 257).forEach(width -> {
            int ldy = width + 3, ldTable = width + 2, dyOff = 4, tableOff = 1;
            int[] ids = rnd.ints(3 * period, 0, tableRows).toArray();
            float[] dy = Lengths.random(rnd, dyOff + ids.length * ldy, 0);
            float[] dTable = Lengths.random(rnd, tableOff + tableRows * ldTable, 0);
            float[] dPeriodic = Lengths.random(rnd, tableOff + nPeriodic * ldTable, 0);
            float[] twinTable = dTable.clone(), twinPeriodic = dPeriodic.clone();
            RefEmbeddingBackward.scatterAdd(width, ids, dy, dyOff, ldy, twinTable, tableOff, ldTable, tableRows);
            RefEmbeddingBackward.addPeriodic(ids.length, width, period, dy, dyOff, ldy, twinPeriodic, tableOff, ldTable);
            float[] tableBefore = dTable.clone();
            EmbeddingBackward.scatterAdd(width, ids, dy, dyOff, ldy, dTable, tableOff, ldTable, tableRows);
            EmbeddingBackward.addPeriodic(ids.length, width, period, dy, dyOff, ldy, dPeriodic, tableOff, ldTable);
            assertArrayEquals(twinTable, dTable, "scatterAdd width=" + width);
            assertArrayEquals(twinPeriodic, dPeriodic, "addPeriodic width=" + width);
            for (int r = 0; r < tableRows; r++) {
                for (int c = width; c < ldTable; c++) {
                    int at = tableOff + r * ldTable + c;
                    if (at < dTable.length) assertEquals(tableBefore[at], dTable[at], "padding at " + at);
                }
            }
        });
    }

    @Test
    void rejectsIdsOutsideTheTable() {
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingBackward.scatterAdd(1, new int[] {0, 3}, new float[2], 0, 1, new float[3], 0, 1, 3));
    }
}
