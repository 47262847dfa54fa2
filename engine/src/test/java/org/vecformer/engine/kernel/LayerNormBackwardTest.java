package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefLayerNorm;
import org.vecformer.engine.reference.RefLayerNormBackward;

/** SIMD layer norm backward against its twin (LN and LNPre, awkward widths, offsets, accumulation) and across thread counts. */
@Tag("kernel")
class LayerNormBackwardTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void matchesTwinOnAwkwardShapes() {
        Random rnd = new Random(21);
        for (int rows : new int[] {0, 1, 3, 8}) {
            Lengths.awkward().filter(d -> d > 0 && d <= 257).forEach(d -> {
                for (boolean affine : new boolean[] {true, false}) {
                    Case c = new Case(rnd, rows, d, affine);
                    Case twin = c.copy();
                    RefLayerNormBackward.backward(twin.x, 2, d + 3, rows, d, twin.scale, twin.w, twin.dy, 1, d + 1, twin.dx, 3, d + 2, twin.dw, twin.db);
                    float[] dxBefore = c.dx.clone();
                    c.runKernel();
                    for (int r = 0; r < rows; r++) {
                        for (int i = 3 + r * (d + 2) + d; i < 3 + (r + 1) * (d + 2); i++) assertEquals(dxBefore[i], c.dx[i], "dx padding at " + i);
                    }
                    String what = (affine ? "LN" : "LNPre") + " rows=" + rows + " d=" + d;
                    NearTwin.assertClose(twin.dx, c.dx, 1e-5, what + " dx");
                    if (affine) {
                        NearTwin.assertClose(twin.dw, c.dw, 1e-5, what + " dw");
                        NearTwin.assertClose(twin.db, c.db, 1e-5, what + " db");
                    }
                }
            });
        }
    }

    @Test
    void bitsDoNotDependOnThreadCount() {
        Case base = new Case(new Random(22), 37, 131, true);
        Case first = null;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            Case c = base.copy();
            c.runKernel();
            if (first == null) first = c;
            assertArrayEquals(first.dx, c.dx, threads + " threads dx");
            assertArrayEquals(first.dw, c.dw, threads + " threads dw");
            assertArrayEquals(first.db, c.db, threads + " threads db");
        }
    }

    /**
     * Inputs at offsets (x at 2, dy at 1, dx at 3) with rows wider than d (leading dimensions d+3, d+1, d+2), and gradient
     * outputs pre-filled, to check that they accumulate; dx's padding must come back as it was.
     */
    private record Case(int rows, int d, float[] x, float[] scale, float[] w, float[] dy, float[] dx, float[] dw, float[] db) {
        Case(Random rnd, int rows, int d, boolean affine) {
            this(rows, d, Lengths.random(rnd, rows * (d + 3), 2), new float[rows], affine ? Lengths.random(rnd, d, 0) : null,
                    Lengths.random(rnd, rows * (d + 1), 1), Lengths.random(rnd, rows * (d + 2), 3),
                    affine ? Lengths.random(rnd, d, 0) : null, affine ? Lengths.random(rnd, d, 0) : null);
            RefLayerNorm.forward(x, 2, d + 3, rows, d, w, w, 1e-5f, new float[rows * d], 0, d, scale);
        }

        Case copy() {
            return new Case(rows, d, x, scale, w, dy, dx.clone(), w == null ? null : dw.clone(), w == null ? null : db.clone());
        }

        void runKernel() {
            LayerNormBackward.backward(x, 2, d + 3, rows, d, scale, w, dy, 1, d + 1, dx, 3, d + 2, dw, db);
        }
    }
}
