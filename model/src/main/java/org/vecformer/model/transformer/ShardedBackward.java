package org.vecformer.model.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;

/**
 * {@link Backward} over a batch split by sequence into a fixed number of shards that run in parallel, each
 * with single-threaded kernels (a parallel loop inside a shard runs inline, see {@link Parallel}):
 * <pre>
 *   S        = min({@value #SHARDS}, batch);  shard s holds sequences [⌊s·batch/S⌋, ⌊(s+1)·batch/S⌋)
 *   g_s      = gradScale · ∂(Σ_{rows of shard s} loss)/∂p            into shard s's own buffers
 *   grads   += g_0 + g_1 + … + g_{S−1}                                element by element, in this order
 *   returns    Σ_s (Σ_{rows of shard s} loss)                         in double, in shard order
 * </pre>
 * S does not depend on the thread count, so the bits do not either. Small models gain most: their kernel calls
 * are too short to split, while whole shards keep every thread busy. The shard buffers are allocated once and
 * reused (so one instance serves one caller at a time); the weights are packed once per call and shared read-only
 * by the shards. The sum also clears the shard buffers, a stretch at a time while it has them in cache, so the next
 * call finds them zero: clearing them in a pass of their own at the start of a call wrote S full copies of the
 * gradients from memory once more (a d_model 512 step spent 1.5% of its time there).
 */
public final class ShardedBackward {
    /** Shards per batch (fewer when the batch has fewer sequences). */
    public static final int SHARDS = 8;
    private static final int REDUCE_GRAIN = 1 << 15;
    /** Floats of each shard buffer summed and then cleared at a time: 16 KiB, so the S stretches stay in L2. */
    private static final int CLEAR_STRETCH = 1 << 12;

    private final Weights w;
    private final List<Map<String, Tensor>> shardGrads = new ArrayList<>();
    private final double[] shardLoss = new double[SHARDS];
    /** Whether every shard buffer is zero: true after a completed call, false while one runs (or if it failed). */
    private boolean cleared = true;

    /** Gradients of {@code w}, whose values may change between calls (the optimiser updates them in place). */
    public ShardedBackward(Weights w) {
        this.w = w;
    }

    /**
     * Forward and backward over {@code batch} sequences of {@code t} tokens ({@code inputs}, {@code targets}
     * [batch·t]): adds {@code gradScale · ∂(Σ_rows loss)/∂p} into {@code grads} and returns the summed loss, both
     * as in the class comment.
     */
    public double lossAndGradients(int[] inputs, int[] targets, int batch, int t, float gradScale, Map<String, Tensor> grads) {
        Backward.checkShapes(w, inputs, targets, batch, t);
        Forward forward = new Forward(w);
        int shards = Math.min(SHARDS, batch);
        while (shardGrads.size() < shards) shardGrads.add(Backward.zeroGradients(w));
        if (!cleared) {
            for (Map<String, Tensor> g : shardGrads) for (Tensor x : g.values()) Arrays.fill(x.data(), 0f);
        }
        cleared = false;
        Parallel.forRange(shards, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                Map<String, Tensor> g = shardGrads.get(s);
                int b0 = first(s, batch, shards), n = first(s + 1, batch, shards) - b0;
                shardLoss[s] = Backward.lossAndGradients(forward, Arrays.copyOfRange(inputs, b0 * t, (b0 + n) * t),
                        Arrays.copyOfRange(targets, b0 * t, (b0 + n) * t), n, t, gradScale, g);
            }
        });
        float[][] parts = new float[shards][];
        for (var e : grads.entrySet()) {
            float[] out = e.getValue().data();
            for (int s = 0; s < shards; s++) parts[s] = shardGrads.get(s).get(e.getKey()).data();
            Parallel.forRange(out.length, REDUCE_GRAIN, (from, to) -> {
                for (int at = from; at < to; at += CLEAR_STRETCH) {
                    int end = Math.min(to, at + CLEAR_STRETCH);
                    VectorOps.addAll(end - at, parts, shards, at, out);
                    for (int s = 0; s < shards; s++) Arrays.fill(parts[s], at, end, 0f);
                }
            });
        }
        cleared = grads.keySet().containsAll(shardGrads.get(0).keySet());
        double loss = 0;
        for (int s = 0; s < shards; s++) loss += shardLoss[s];
        return loss;
    }

    /** The summed next-token loss {@code Σ_rows −log softmax(logits)[target]} of the batch, sharded the same way, no gradients. */
    public double loss(int[] inputs, int[] targets, int batch, int t) {
        Backward.checkShapes(w, inputs, targets, batch, t);
        Forward forward = new Forward(w);
        int shards = Math.min(SHARDS, batch);
        Parallel.forRange(shards, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                int b0 = first(s, batch, shards), n = first(s + 1, batch, shards) - b0;
                shardLoss[s] = Backward.loss(forward, Arrays.copyOfRange(inputs, b0 * t, (b0 + n) * t),
                        Arrays.copyOfRange(targets, b0 * t, (b0 + n) * t), n, t);
            }
        });
        double loss = 0;
        for (int s = 0; s < shards; s++) loss += shardLoss[s];
        return loss;
    }

    /** First sequence of shard {@code s}: ⌊s·batch/shards⌋. */
    private static int first(int s, int batch, int shards) {
        return (int) ((long) s * batch / shards);
    }
}
