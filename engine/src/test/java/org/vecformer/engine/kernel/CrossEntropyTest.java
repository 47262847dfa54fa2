package org.vecformer.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
            RefCrossEntropy.forwardBackward(logits, t, vocab, targets, 1f / t, expectedLoss, expectedGrad);
            CrossEntropy.forwardBackward(logits, t, vocab, targets, 1f / t, loss, grad);
            for (int i = 0; i < t; i++) assertEquals(expectedLoss[i], loss[i], 2e-6 * (1 + expectedLoss[i]), "vocab " + vocab);
            assertArrayEquals(expectedGrad, grad, 1e-7f, "vocab " + vocab);
            float[] lossOnly = new float[t];
            CrossEntropy.forwardBackward(logits, t, vocab, targets, 1f / t, lossOnly, null);
            assertArrayEquals(loss, lossOnly, 0f);
        }
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
                CrossEntropy.forwardBackward(logits, t, vocab, targets, 1f, loss, grad);
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
