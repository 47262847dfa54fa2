package org.vecformer.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.Attention;
import org.vecformer.engine.kernel.AttentionBackward;
import org.vecformer.engine.kernel.Gemm;
import org.vecformer.engine.kernel.Softmax;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.engine.diag.SimdProbe;
import org.vecformer.engine.kernel.Transpose;
import org.vecformer.engine.kernel.VectorExp;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.reference.RefAttention;
import org.vecformer.engine.reference.RefAttentionBackward;
import org.vecformer.engine.reference.RefExp;
import org.vecformer.engine.reference.RefGemm;
import org.vecformer.engine.reference.RefSoftmax;
import org.vecformer.engine.reference.ScalarOps;

/**
 * The CI perf guard: each hot path against its scalar twin on the same input, in one JVM. Absolute
 * times mean nothing on a shared machine; a ratio collapsing means a hot path fell back to a slow path
 * (lost intrinsics, boxed vectors, a debug branch). Thresholds sit far below the healthy ratios
 * (written next to each) and far above what a fallback gives.
 */
class PerfGuardTest {
    /** Milliseconds each side of a ratio warms up: C2 needs seconds to compile a large kernel on a busy machine. */
    private static final long WARMUP_MILLIS = 2000;

    private static float[] random(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() - 0.5f;
        return x;
    }

    private static float sink;

    @Test
    void vectorApiIsIntrinsified() {
        SimdProbe.Result probe = SimdProbe.run(300);
        assertTrue(probe.intrinsified(), probe.reason());
    }

    @Test
    void dotIsAtLeast4xItsTwin() {
        int n = 4096;
        float[] x = random(n, 1), y = random(n, 2);
        double ratio = BestOf.ratio(
                () -> { for (int i = 0; i < 200; i++) sink += VectorOps.dot(n, x, 0, y, 0); },
                () -> { for (int i = 0; i < 200; i++) sink += (float) ScalarOps.dot(n, x, 0, y, 0); }, 15, WARMUP_MILLIS);
        // healthy: ~15x at 512-bit, ~10x at 256-bit
        assertTrue(ratio >= 4, String.format("SIMD dot is only %.1fx its scalar twin", ratio));
    }

    @Test
    void gemm256IsAtLeast10xItsTwinOnOneThread() {
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            int n = 256;
            float[] a = random(n * n, 3), b = random(n * n, 4), c = new float[n * n];
            double ratio = BestOf.ratio(
                    () -> Gemm.sgemm(Transpose.N, Transpose.N, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n),
                    () -> RefGemm.sgemm(Transpose.N, Transpose.N, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n), 3, WARMUP_MILLIS);
            assertTrue(ratio >= 10, String.format("GEMM 256^3 is only %.1fx its scalar twin", ratio));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void causalAttentionAtT512IsAtLeast5xItsTwinOnOneThread() {
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            int t = 512, heads = 2, dHead = 64, ld = 3 * heads * dHead, width = heads * dHead;
            float[] qkv = random(t * ld, 5), z = new float[t * width];
            double ratio = BestOf.ratio(
                    () -> Attention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, z, 0, width, null, 0),
                    () -> RefAttention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, z, 0, width, null, 0), 3, WARMUP_MILLIS);
            // healthy: ~30x
            assertTrue(ratio >= 5, String.format("attention T=512 is only %.1fx its scalar twin", ratio));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void attentionBackwardAtT256IsAtLeast5xItsTwinOnOneThread() {
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            int t = 256, heads = 2, dHead = 64, ld = 3 * heads * dHead, width = heads * dHead;
            float[] qkv = random(t * ld, 7), dz = random(t * width, 8), pattern = new float[heads * t * t];
            float[] grads = new float[t * ld];
            RefAttention.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, new float[t * width], 0, width, pattern, 0);
            double ratio = BestOf.ratio(
                    () -> AttentionBackward.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, pattern, 0, dz, 0, width,
                            grads, 0, grads, width, grads, 2 * width, ld),
                    () -> RefAttentionBackward.causal(t, heads, dHead, qkv, 0, qkv, width, qkv, 2 * width, ld, pattern, 0, dz, 0, width,
                            grads, 0, grads, width, grads, 2 * width, ld), 3, WARMUP_MILLIS);
            // healthy: ~30x
            assertTrue(ratio >= 5, String.format("attention backward T=256 is only %.1fx its scalar twin", ratio));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void causalSoftmaxIsAtLeast5xItsTwinOnOneThread() {
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            int n = 512;
            float[] scores = random(n * n, 6), p = new float[n * n];
            double ratio = BestOf.ratio(
                    () -> Softmax.softmax(scores, 0, n, n, n, 0.125f, true, 0, p, 0, n),
                    () -> RefSoftmax.softmax(scores, 0, n, n, n, 0.125f, true, 0, p, 0, n), 5, WARMUP_MILLIS);
            // healthy: ~20x
            assertTrue(ratio >= 5, String.format("causal softmax is only %.1fx its scalar twin", ratio));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void decodeStepAttentionAtCache512IsAtLeast5xItsTwinOnOneThread() {
        int saved = Parallel.threads();
        Parallel.setThreads(1);
        try {
            int t = 512, p = t - 1, heads = 4, dHead = 64, ld = 3 * heads * dHead, width = heads * dHead;
            float[] qkv = random(t * ld, 7), z = new float[width];
            double ratio = BestOf.ratio(
                    () -> Attention.decode(p, 1, heads, dHead, qkv, p * ld, ld, qkv, width, qkv, 2 * width, ld, z, 0, width, null, 0),
                    () -> RefAttention.decode(p, 1, heads, dHead, qkv, p * ld, ld, qkv, width, qkv, 2 * width, ld, z, 0, width, null, 0), 9, WARMUP_MILLIS);
            // healthy: ~15x (one query row: dHead in lanes)
            assertTrue(ratio >= 5, String.format("decode attention (1 query, cache 512) is only %.1fx its scalar twin", ratio));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void vectorExpIsAtLeast4xAScalarMathExpLoop() {
        int n = 4096;
        float[] x = random(n, 8), out = new float[n];
        for (int i = 0; i < n; i++) x[i] *= 60;
        double ratio = BestOf.ratio(
                () -> { for (int i = 0; i < 20; i++) VectorExp.exp(n, x, 0, out, 0); },
                () -> { for (int i = 0; i < 20; i++) RefExp.exp(n, x, 0, out, 0); }, 9, WARMUP_MILLIS);
        // healthy: ~12x at 512-bit
        assertTrue(ratio >= 4, String.format("vector exp is only %.1fx a scalar Math.exp loop", ratio));
    }
}
