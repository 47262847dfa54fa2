package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.reference.RefEmbedding;

@Tag("kernel")
class EmbeddingTest {
    @Test
    void gatherEqualsTheTwinOnAwkwardWidths() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int width : new int[] {1, 3, 16, 17, 64}) {
            int rows = 13, ldTable = width + 2, ldOut = width + 1;
            float[] table = new float[3 + rows * ldTable];
            for (int i = 0; i < table.length; i++) table[i] = (float) rnd.nextGaussian();
            int[] ids = rnd.ints(29, 0, rows).toArray();
            float[] ours = new float[1 + ids.length * ldOut], twin = new float[1 + ids.length * ldOut];
            Embedding.gather(width, ids, table, 3, ldTable, rows, ours, 1, ldOut);
            RefEmbedding.gather(width, ids, table, 3, ldTable, rows, twin, 1, ldOut);
            assertArrayEquals(twin, ours, "width " + width);
        }
    }

    @Test
    void anIdOutsideTheTableIsNamedWithItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.gather(2, new int[] {0, 3}, new float[6], 0, 2, 3, new float[4], 0, 2));
        assertEquals("id 3 at row 1 is outside the table's rows [0, 3)", e.getMessage());
    }
}
