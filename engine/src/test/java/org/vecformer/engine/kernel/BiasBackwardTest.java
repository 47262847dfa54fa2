package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefBiasBackward;

/** SIMD bias backward against its twin on awkward widths and strided column blocks, and across thread counts. */
@Tag("kernel")
class BiasBackwardTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void matchesTwinOnAwkwardShapes() {
        Random rnd = new Random(51);
        for (int rows : new int[] {0, 1, 5, 64}) {
            Lengths.awkward().filter(n -> n <= 257).forEach(n -> {
                int ldy = n + 3;
                float[] dy = Lengths.random(rnd, rows * ldy, 2), db = Lengths.random(rnd, n, 1), twin = db.clone();
                RefBiasBackward.backward(rows, n, dy, 2, ldy, twin, 1);
                BiasBackward.backward(rows, n, dy, 2, ldy, db, 1);
                NearTwin.assertClose(twin, db, 1e-5 * (1 + rows), "rows=" + rows + " n=" + n);
            });
        }
    }

    @Test
    void bitsDoNotDependOnThreadCount() {
        Random rnd = new Random(52);
        float[] dy = Lengths.random(rnd, 100 * 203, 0), start = Lengths.random(rnd, 197, 0);
        float[] first = null;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            float[] db = start.clone();
            BiasBackward.backward(100, 197, dy, 0, 203, db, 0);
            if (first == null) first = db;
            assertArrayEquals(first, db, threads + " threads");
        }
    }
}
