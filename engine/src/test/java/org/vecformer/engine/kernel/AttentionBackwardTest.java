package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefAttention;
import org.vecformer.engine.reference.RefAttentionBackward;

/** SIMD attention backward against its twin on awkward T, heads, head sizes and strides, and across thread counts. */
@Tag("kernel")
class AttentionBackwardTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void matchesTwinOnAwkwardShapes() {
        Random rnd = new Random(31);
        int l = Simd.LANES;
        for (int t : new int[] {1, 2, 3, l + 1, 17, 33}) {
            for (int nHeads : new int[] {1, 3}) {
                for (int dHead : new int[] {1, 3, l - 1, l + 1, 16}) {
                    if (dHead < 1) continue;
                    Case c = new Case(rnd, t, nHeads, dHead);
                    float[] twin = c.grads.clone();
                    RefAttentionBackward.causal(t, nHeads, dHead, c.qkv, 1, c.qkv, 1 + c.width, c.qkv, 1 + 2 * c.width, c.ld,
                            c.pattern, 2, c.dz, 3, c.ldz, twin, 1, twin, 1 + c.width, twin, 1 + 2 * c.width, c.ld);
                    c.runKernel();
                    NearTwin.assertClose(twin, c.grads, 2e-5, "t=" + t + " heads=" + nHeads + " dHead=" + dHead);
                }
            }
        }
    }

    /**
     * Several query blocks of {@link AttentionBackward#QUERY_BLOCK} (T on, just off and between their edges) and the
     * head widths of real models (16, 32, 64) and one that is not a power of two: every tile edge of the products.
     */
    @Test
    void matchesTwinAcrossQueryBlocksAndHeadWidths() {
        Random rnd = new Random(33);
        int qb = AttentionBackward.QUERY_BLOCK;
        for (int t : new int[] {qb - 1, qb, qb + 1, 2 * qb + 37}) {
            for (int dHead : new int[] {16, 24, 32, 64}) {
                Case c = new Case(rnd, t, 2, dHead);
                float[] twin = c.grads.clone();
                RefAttentionBackward.causal(t, 2, dHead, c.qkv, 1, c.qkv, 1 + c.width, c.qkv, 1 + 2 * c.width, c.ld,
                        c.pattern, 2, c.dz, 3, c.ldz, twin, 1, twin, 1 + c.width, twin, 1 + 2 * c.width, c.ld);
                c.runKernel();
                NearTwin.assertClose(twin, c.grads, 2e-5, "t=" + t + " dHead=" + dHead);
            }
        }
    }

    @Test
    void bitsDoNotDependOnThreadCount() {
        for (Case base : new Case[] {new Case(new Random(32), 29, 5, 12), new Case(new Random(34), 150, 4, 24)}) {
            float[] first = null;
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                Case c = base.withGrads(base.grads.clone());
                c.runKernel();
                if (first == null) first = c.grads;
                assertArrayEquals(first, c.grads, threads + " threads, t=" + base.t);
            }
        }
    }

    /**
     * Fused Q|K|V [t, ld] at offset 1 with one padding column, its pattern at offset 2, dZ [t, ldz] at offset 3, and
     * random pre-filled gradients in the fused layout (checks accumulation and that padding is left alone).
     */
    private record Case(int t, int nHeads, int dHead, int width, int ld, int ldz, float[] qkv, float[] pattern, float[] dz, float[] grads) {
        Case(Random rnd, int t, int nHeads, int dHead) {
            this(t, nHeads, dHead, nHeads * dHead, 3 * nHeads * dHead + 1, nHeads * dHead + 2,
                    Lengths.random(rnd, t * (3 * nHeads * dHead + 1), 1), new float[2 + nHeads * t * t],
                    Lengths.random(rnd, t * (nHeads * dHead + 2), 3), Lengths.random(rnd, t * (3 * nHeads * dHead + 1), 1));
            RefAttention.causal(t, nHeads, dHead, qkv, 1, qkv, 1 + width, qkv, 1 + 2 * width, ld,
                    new float[t * width], 0, width, pattern, 2);
        }

        Case withGrads(float[] g) {
            return new Case(t, nHeads, dHead, width, ld, ldz, qkv, pattern, dz, g);
        }

        void runKernel() {
            AttentionBackward.causal(t, nHeads, dHead, qkv, 1, qkv, 1 + width, qkv, 1 + 2 * width, ld,
                    pattern, 2, dz, 3, ldz, grads, 1, grads, 1 + width, grads, 1 + 2 * width, ld);
        }
    }
}
