package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefCrossEntropy;

/** Fused cross-entropy and its gradient against the twin, on awkward vocabularies and thread counts. */
@Tag("kernel")
class CrossEntropyTest {
    @Test
    void lossAndGradientMatchTwin() {
        Random rnd = new Random(8);
        for (int vocab : new int[] {1, 2, 3, Simd.LANES - 1, Simd.LANES, Simd.LANES + 1, 13, 257, 1009}) {
            int t = 6;
            float[] logits = Lengths.random(rnd, t * vocab, 0);
            for (int i = 0; i < logits.length; i++) logits[i] *= 12;
            int[] targets = rnd.ints(t, 0, vocab).toArray();
            float[] expectedLoss = new float[t], loss = new float[t];
            float[] expectedGrad = new float[t * vocab], grad = new float[t * vocab];
            RefCrossEntropy.forwardBackward(logits, 0, vocab, t, vocab, targets, 1f / t, expectedLoss, expectedGrad, 0, vocab);
            CrossEntropy.forwardBackward(logits, 0, vocab, t, vocab, targets, 1f / t, loss, grad, 0, vocab);
            for (int i = 0; i < t; i++) assertEquals(expectedLoss[i], loss[i], 2e-6 * (1 + expectedLoss[i]), "vocab " + vocab);
            assertArrayEquals(expectedGrad, grad, 1e-7f, "vocab " + vocab);
            float[] lossOnly = new float[t];
            CrossEntropy.forwardBackward(logits, 0, vocab, t, vocab, targets, 1f / t, lossOnly, null, 0, 0);
            assertArrayEquals(loss, lossOnly, 0f);
        }
    }

    /**
     * Rows inside wider buffers (offset and leading dimension, as the engine's row kernels take them): the same
     * loss and gradient as the packed rows, and the padding between rows never read (NaN there would spread) nor
     * written.
     */
    @Test
    void stridedRowsMatchPackedRowsAndLeaveThePaddingAlone() {
        Random rnd = new Random(10);
        int t = 5, vocab = Simd.LANES + 3, off = 7, ld = vocab + 4, dOff = 3, ldd = vocab + 9;
        float[] packed = Lengths.random(rnd, t * vocab, 0);
        int[] targets = rnd.ints(t, 0, vocab).toArray();
        float[] wide = new float[off + t * ld];
        Arrays.fill(wide, Float.NaN);
        for (int i = 0; i < t; i++) System.arraycopy(packed, i * vocab, wide, off + i * ld, vocab);
        float[] lossPacked = new float[t], gradPacked = new float[t * vocab];
        CrossEntropy.forwardBackward(packed, 0, vocab, t, vocab, targets, 0.5f, lossPacked, gradPacked, 0, vocab);
        float[] loss = new float[t], grad = new float[dOff + t * ldd];
        Arrays.fill(grad, -7f);
        CrossEntropy.forwardBackward(wide, off, ld, t, vocab, targets, 0.5f, loss, grad, dOff, ldd);
        float[] refLoss = new float[t], refGrad = new float[dOff + t * ldd];
        Arrays.fill(refGrad, -7f);
        RefCrossEntropy.forwardBackward(wide, off, ld, t, vocab, targets, 0.5f, refLoss, refGrad, dOff, ldd);
        assertArrayEquals(lossPacked, loss, 0f);
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < ldd && dOff + i * ldd + c < grad.length; c++) {
                int at = dOff + i * ldd + c;
                if (c < vocab) {
                    assertEquals(gradPacked[i * vocab + c], grad[at], 0f, "row " + i + " col " + c);
                    assertEquals(refGrad[at], grad[at], 1e-7f, "twin, row " + i + " col " + c);
                } else {
                    assertEquals(-7f, grad[at], 0f, "padding after row " + i);
                }
            }
        }
        for (int j = 0; j < dOff; j++) assertEquals(-7f, grad[j], 0f, "before the first row");
    }

    @Test
    void gradientRowsSumToZeroAndThreadsDoNotChangeBits() {
        Random rnd = new Random(9);
        int t = 97, vocab = 500;
        float[] logits = Lengths.random(rnd, t * vocab, 0);
        int[] targets = rnd.ints(t, 0, vocab).toArray();
        int before = Parallel.threads();
        try {
            float[][] runs = new float[3][];
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                float[] loss = new float[t], grad = new float[t * vocab];
                CrossEntropy.forwardBackward(logits, 0, vocab, t, vocab, targets, 1f, loss, grad, 0, vocab);
                runs[threads - 1] = SoftmaxTest.concat(loss, grad);
            }
            assertArrayEquals(runs[0], runs[1]);
            assertArrayEquals(runs[0], runs[2]);
            for (int i = 0; i < t; i++) {
                double sum = 0;
                for (int c = 0; c < vocab; c++) sum += runs[0][t + i * vocab + c];
                assertEquals(0, sum, 1e-5, "row " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
