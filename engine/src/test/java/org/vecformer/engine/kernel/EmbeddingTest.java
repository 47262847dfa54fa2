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
            int rows = 13;
            float[] table = new float[rows * width];
            for (int i = 0; i < table.length; i++) table[i] = (float) rnd.nextGaussian();
            int[] ids = rnd.ints(29, 0, rows).toArray();
            float[] ours = new float[ids.length * width], twin = new float[ids.length * width];
            Embedding.gather(table, rows, width, ids, ours);
            RefEmbedding.lookup(table, rows, width, ids, twin);
            assertArrayEquals(twin, ours, "width " + width);
        }
    }

    @Test
    void anIdOutsideTheTableIsNamedWithItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.gather(new float[6], 3, 2, new int[] {0, 3}, new float[4]));
        assertEquals("token 3 at position 1 is outside the vocabulary [0, 3)", e.getMessage());
    }
}
