package org.vecformer.model.train;

import java.util.Locale;
import org.vecformer.engine.kernel.OperandB;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.ShardedBackward;
import org.vecformer.model.transformer.Weights;

/**
 * The heap a {@link Trainer} needs, counted from the configs before anything is allocated, so a run that cannot fit
 * is refused in a line instead of dying of {@link OutOfMemoryError} (possibly after minutes). With P parameters,
 * S = min({@value ShardedBackward#SHARDS}, micro-batch) shards of n = ⌈micro-batch / S⌉ sequences of T = n_ctx tokens
 * (r = n·T rows), d_model D, H heads, d_head E (hd = H·E), L layers, d_vocab V, counted in 4-byte elements:
 * <pre>
 *   persistent   = (4 + S)·P                  weights, gradients, AdamW m and v, one gradient buffer per shard
 *                + L·(D·3hd + 3hd)            the packed Q|K|V weights of a step
 *                + packed(D, 3hd) + packed(3hd, D) + packed(hd, D) + packed(D, hd)   per layer, and packed(D, V) + packed(V, D):
 *                                             the step's weights packed for the GEMM, both ways round (OperandB#packedFloats)
 *                + 2·evalSize·T               the held-out batch (inputs, targets)
 *   per shard    = L·(4·r·D + r + 4·r·hd + n·H·T²)   forward, per layer: ln1 out, attn out, resid_post, the shortformer's
 *                                                    Q|K input; ln1 scale; Q|K|V and z; pattern
 *                + L·(2·r·D + 4·r·hd + D)            backward, per layer: dx, the shortformer's W_pos rows; dz and
 *                                                    dQ|K|V; a bias-gradient scratch
 *                + 3·r·D                             token embedding, positional rows, resid_pre of block 0
 *                + r·D + r                           ln_final out, scale
 *                + r·V + r                           logits (their gradient written over them), per-token loss
 *                + 2·r·D + D                         the unembedding's dx and ln_final's dresid; a bias-gradient scratch
 *                + 2·r                               the shard's token ids
 *                A shard's buffers are those of its thread's {@code Workspace}, which keeps every one of them for the
 *                next shard: backward temporaries are counted for every layer, the shortformer's and standard
 *                positional kind's buffers both (an upper bound for either).
 *   training     = persistent + min(S, threads)·per shard     (shards running at once)
 *   checkpoint   = persistent + 3·P                           weights and moments copied for saving
 *   total        = max(training, checkpoint) + trace          trace (if any): P initial weights + steps·batch·(T+1)
 *                                                            tokens recorded, twice (ids, then floats to save)
 * </pre>
 * {@code largestArray} is the largest single buffer of a shard, max(n·H·T², r·V, 3·r·hd, r·D) elements: above
 * {@link #MAX_ARRAY} no heap can hold it. Layer norm buffers are counted even without normalization (an upper bound there). The JVM needs room beyond the
 * live set to collect and to place large arrays, so {@link #fits} asks for {@link #HEADROOM} of the heap to spare.
 */
public record MemoryEstimate(long parameters, long persistentElements, long perShardElements, int concurrentShards, long traceElements,
                             long largestArray) {
    /** Most elements a Java array can hold (the VM reserves a few below {@link Integer#MAX_VALUE}). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Fraction of the free heap the estimate may fill; the collector needs the rest to move and place arrays. The
     * default induction run at n_ctx 2048 (estimate 1.1 GiB) finished under -Xmx1400m (the estimate over 0.85) only
     * after 686 collections, so the margin is wider than that.
     */
    public static final double HEADROOM = 0.75;

    /** The estimate for training {@code c} under {@code tc} on {@code threads} threads ({@code trace}: recording every step's tokens). */
    public static MemoryEstimate of(Config c, TrainConfig tc, int threads, boolean trace) {
        long p = 0;
        for (int[] shape : Weights.shapes(c).values()) {
            long n = 1;
            for (int d : shape) n *= d;
            p += n;
        }
        int micro = tc.microBatch(), shards = Math.min(ShardedBackward.SHARDS, micro);
        long n = (micro + shards - 1) / shards, t = c.nCtx(), r = n * t, dm = c.dModel(), hd = (long) c.nHeads() * c.dHead();
        long layers = c.nLayers(), v = c.dVocab();
        long packed = layers * (packedBothWays(c.dModel(), c.qkvWidth()) + packedBothWays(c.nHeads() * c.dHead(), c.dModel()))
                + packedBothWays(c.dModel(), c.dVocab());
        long persistent = (4L + shards) * p + layers * (dm * 3 * hd + 3 * hd) + packed + 2L * tc.evalSize() * t;
        long perShard = layers * (4 * r * dm + r + 4 * r * hd + n * c.nHeads() * t * t)
                + layers * (2 * r * dm + 4 * r * hd + dm)
                + 3 * r * dm
                + r * dm + r
                + r * v + r
                + 2 * r * dm + dm
                + 2 * r;
        long traceElements = trace ? p + 2L * tc.steps() * tc.batch() * (t + 1) : 0;
        long largest = Math.max(Math.max(n * c.nHeads() * t * t, r * v), Math.max(r * 3 * hd, r * dm));
        return new MemoryEstimate(p, persistent, perShard, Math.min(shards, Math.max(1, threads)), traceElements, largest);
    }

    /** Floats of a [k, n] weight packed for the GEMM as it is and transposed, as a training step packs it. */
    private static long packedBothWays(int k, int n) {
        return OperandB.packedFloats(k, n) + OperandB.packedFloats(n, k);
    }

    /** Bytes at the peak: {@code 4·(max(training, checkpoint) + trace)} as in the class comment. */
    public long bytes() {
        long training = persistentElements + concurrentShards * perShardElements;
        long checkpoint = persistentElements + 3 * parameters;
        return 4 * (Math.max(training, checkpoint) + traceElements);
    }

    /** True when {@link #bytes()} fits in {@link #HEADROOM} of {@code availableBytes}. */
    public boolean fits(long availableBytes) {
        return bytes() <= HEADROOM * availableBytes;
    }

    /** Bytes in the binary units of the JVM's -Xmx: "17.3 GiB", "35 MiB", "8 KiB". */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }
}
