package org.vecformer.model.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * by the shards: fused into one Q|K|V matrix, and each weight matrix copied into the GEMM's micro-panels, both ways
 * round, on its first product ({@link WeightOperand}; packed by every shard's GEMMs instead, that took 6.5% of a d_model
 * 512 step on one thread, and the step is 3% faster with one packing shared). Each shard keeps its blocks' dW_Q|K|V in the layout the GEMM forms them in ({@link PackedBlock},
 * [d_model, 3·n_heads·d_head], written over each call), and the sum rearranges once into the [n_heads, d_model,
 * d_head] gradients instead of each shard adding its own into them (the same additions in the same order, so the
 * same bits, except that a zero once summed as +0 + -0 may now keep its minus sign; those rearranging adds took 4% of
 * a d_model 512 step). The sum also clears the other shard buffers, a stretch at a time while it has them in cache,
 * so the next call finds them zero: clearing them in a pass of their own at the start of a call wrote S full copies
 * of the gradients from memory once more (a d_model 512 step spent 1.5% of its time there).
 * A shard's activations and their gradients come from a {@link Workspace} of the thread running it, which hands the
 * same arrays to the next shard that thread runs, so a step allocates no activation buffers after the first.
 */
public final class ShardedBackward {
    /** Shards per batch (fewer when the batch has fewer sequences). */
    public static final int SHARDS = 8;
    private static final int REDUCE_GRAIN = 1 << 15;
    /** Floats of each shard buffer summed and then cleared at a time: 16 KiB, so the S stretches stay in L2. */
    private static final int CLEAR_STRETCH = 1 << 12;

    private final Weights w;
    private final List<Map<String, Tensor>> shardGrads = new ArrayList<>();
    /** Per shard and block, dW_Q|K|V fused [d_model, 3·n_heads·d_head]. */
    private final List<float[][]> shardQkvGrads = new ArrayList<>();
    /** One block's W_Q|K|V gradients rearranged into the fused layout while the shards are added to them. */
    private float[] fusedSum = new float[0];
    /** The names of the blocks' W_Q, W_K, W_V [block][Q, K, V], whose shard gradients are kept fused. */
    private final String[][] qkvNames;
    private final double[] shardLoss = new double[SHARDS];
    /** The forward of the last call, whose fused and packed weight buffers the next call's forward takes over. */
    private Forward forward;
    /**
     * Each thread's buffers for the shards it runs (one shard's worth, reused shard after shard). Held here rather than
     * in a ThreadLocal, whose values the pool's long-lived threads would keep after this instance is dropped.
     */
    private final Map<Thread, Workspace> workspaces = new ConcurrentHashMap<>();
    /** Whether every shard buffer is zero: true after a completed call, false while one runs (or if it failed). */
    private boolean cleared = true;

    /** Gradients of {@code w}, whose values may change between calls (the optimiser updates them in place). */
    public ShardedBackward(Weights w) {
        this.w = w;
        ParamName.Param[] qkv = {ParamName.Param.W_Q, ParamName.Param.W_K, ParamName.Param.W_V};
        this.qkvNames = new String[w.config().nLayers()][3];
        for (int l = 0; l < qkvNames.length; l++) for (int s = 0; s < 3; s++) qkvNames[l][s] = ParamName.of(qkv[s], l).tl();
    }

    /**
     * Forward and backward over {@code batch} sequences of {@code t} tokens ({@code inputs}, {@code targets}
     * [batch·t]): adds {@code gradScale · ∂(Σ_rows loss)/∂p} into {@code grads} and returns the summed loss, both
     * as in the class comment.
     */
    public double lossAndGradients(int[] inputs, int[] targets, int batch, int t, float gradScale, Map<String, Tensor> grads) {
        Backward.checkShapes(w, inputs, targets, batch, t);
        Forward forward = this.forward = new Forward(w, true, this.forward);
        int shards = Math.min(SHARDS, batch);
        Config c = w.config();
        int fusedSize = c.dModel() * 3 * c.nHeads() * c.dHead();
        while (shardGrads.size() < shards) {
            Map<String, Tensor> g = Backward.zeroGradients(w);
            for (String[] names : qkvNames) for (String name : names) g.remove(name);
            shardGrads.add(g);
            shardQkvGrads.add(new float[c.nLayers()][fusedSize]);
        }
        if (!cleared) {
            for (Map<String, Tensor> g : shardGrads) for (Tensor x : g.values()) Arrays.fill(x.data(), 0f);
        }
        cleared = false;
        Parallel.forRange(shards, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                Map<String, Tensor> g = shardGrads.get(s);
                int b0 = first(s, batch, shards), n = first(s + 1, batch, shards) - b0;
                Workspace buffers = threadBuffers();
                shardLoss[s] = Backward.lossAndGradients(forward, Arrays.copyOfRange(inputs, b0 * t, (b0 + n) * t),
                        Arrays.copyOfRange(targets, b0 * t, (b0 + n) * t), n, t, gradScale, g, shardQkvGrads.get(s), true, buffers);
            }
        });
        float[][] parts = new float[shards][];
        for (var e : grads.entrySet()) {
            if (!shardGrads.get(0).containsKey(e.getKey())) continue;
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
        for (int l = 0; l < qkvNames.length; l++) addFusedQkv(l, shards, grads);
        double loss = 0;
        for (int s = 0; s < shards; s++) loss += shardLoss[s];
        return loss;
    }

    /** The summed next-token loss {@code Σ_rows −log softmax(logits)[target]} of the batch, sharded the same way, no gradients. */
    public double loss(int[] inputs, int[] targets, int batch, int t) {
        Backward.checkShapes(w, inputs, targets, batch, t);
        Forward forward = this.forward = new Forward(w, true, this.forward);
        int shards = Math.min(SHARDS, batch);
        Parallel.forRange(shards, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                int b0 = first(s, batch, shards), n = first(s + 1, batch, shards) - b0;
                Workspace buffers = threadBuffers();
                shardLoss[s] = Backward.loss(forward, Arrays.copyOfRange(inputs, b0 * t, (b0 + n) * t),
                        Arrays.copyOfRange(targets, b0 * t, (b0 + n) * t), n, t, buffers);
            }
        });
        double loss = 0;
        for (int s = 0; s < shards; s++) loss += shardLoss[s];
        return loss;
    }

    /** W_Q|K|V gradients of block l += the shards' fused dW_Q|K|V, in shard order ({@link PackedBlock#addFused}). */
    private void addFusedQkv(int l, int shards, Map<String, Tensor> grads) {
        float[][] ws = new float[3][];
        for (int s = 0; s < 3; s++) {
            Tensor g = grads.get(qkvNames[l][s]);
            if (g == null) return;
            ws[s] = g.data();
        }
        float[][] parts = new float[shards][];
        for (int s = 0; s < shards; s++) parts[s] = shardQkvGrads.get(s)[l];
        if (fusedSum.length < parts[0].length) fusedSum = new float[parts[0].length];
        PackedBlock.addFused(w.config(), parts, shards, ws, fusedSum);
    }

    /** The calling thread's workspace, reset for a new shard. */
    private Workspace threadBuffers() {
        Workspace buffers = workspaces.computeIfAbsent(Thread.currentThread(), thread -> Workspace.recycling());
        buffers.reset();
        return buffers;
    }

    /** First sequence of shard {@code s}: ⌊s·batch/shards⌋. */
    private static int first(int s, int batch, int shards) {
        return (int) ((long) s * batch / shards);
    }
}
