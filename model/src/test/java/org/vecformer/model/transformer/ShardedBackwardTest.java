package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vecformer.engine.kernel.VectorOps;
import org.vecformer.engine.parallel.Parallel;
import org.vecformer.engine.tensor.Tensor;

class ShardedBackwardTest {
    private static final Config C = TestModels.config(2, Normalization.LN, PositionalEmbedding.STANDARD, true);
    private static final int T = 6;

    /**
     * Batches below, at and above the shard count, with uneven shards; both positional kinds (the shortformer forms
     * dW_Q|K|V in two products, the shards keep it fused).
     */
    @Test
    void shardedGradientsAndLossEqualTheSumOverSequencesOfThePlainBackward() {
        for (PositionalEmbedding positional : PositionalEmbedding.values()) {
            sumOverSequences(TestModels.random(TestModels.config(2, Normalization.LN, positional, true), 8));
        }
    }

    private static void sumOverSequences(Weights w) {
        for (int batch : new int[] {1, 3, 8, 11}) {
            int[] inputs = flat(TestModels.tokens(C, batch, T, 1)), targets = flat(TestModels.tokens(C, batch, T, 2));
            Map<String, Tensor> sharded = Backward.zeroGradients(w);
            float scale = 1f / (batch * T);
            double loss = new ShardedBackward(w).lossAndGradients(inputs, targets, batch, T, scale, sharded);
            Map<String, double[]> expected = new LinkedHashMap<>();
            double expectedLoss = 0;
            for (int b = 0; b < batch; b++) {
                Map<String, Tensor> one = Backward.zeroGradients(w);
                expectedLoss += Backward.lossAndGradients(w, Arrays.copyOfRange(inputs, b * T, (b + 1) * T),
                        Arrays.copyOfRange(targets, b * T, (b + 1) * T), 1, T, scale, one);
                one.forEach((name, g) -> {
                    double[] acc = expected.computeIfAbsent(name, k -> new double[g.data().length]);
                    for (int i = 0; i < acc.length; i++) acc[i] += g.data()[i];
                });
            }
            assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, "batch " + batch);
            for (var e : expected.entrySet()) {
                float[] got = sharded.get(e.getKey()).data();
                double[] want = e.getValue();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-6 + 1e-4 * Math.abs(want[i]), "batch " + batch + " " + e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void sameBitsForOneTwoAndThreeThreadsAndOnEveryReuse() {
        Weights w = TestModels.random(C, 9);
        int batch = 13;
        int[] inputs = flat(TestModels.tokens(C, batch, T, 3)), targets = flat(TestModels.tokens(C, batch, T, 4));
        int before = Parallel.threads();
        ShardedBackward sharded = new ShardedBackward(w);
        try {
            float[][] first = null;
            double firstLoss = 0;
            for (int threads : new int[] {1, 2, 3, 2}) {
                Parallel.setThreads(threads);
                Map<String, Tensor> g = Backward.zeroGradients(w);
                double loss = sharded.lossAndGradients(inputs, targets, batch, T, 0.1f, g);
                assertEquals(loss, sharded.loss(inputs, targets, batch, T), threads + " threads: loss without gradients");
                float[][] all = g.values().stream().map(Tensor::data).toArray(float[][]::new);
                if (first == null) {
                    first = all;
                    firstLoss = loss;
                } else {
                    assertEquals(firstLoss, loss, threads + " threads");
                    for (int i = 0; i < all.length; i++) assertArrayEquals(first[i], all[i], threads + " threads");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Each thread's shards take their activation buffers from a workspace that hands them out again call after call
     * ({@link Workspace}), and each call packs the updated weights into the buffers of the call before. A call after
     * calls on other tokens, other batch sizes (other shard sizes), other thread counts and other weights must give the
     * bits of a fresh instance: any buffer read before it is written would leak an earlier call's values. Every normalization, both positional kinds, with and without biases; n_ctx 37 takes the attention
     * kernels' tiles (16 queries and more) and their partial last tile, 5 the one-row path.
     */
    @Test
    void reusedBuffersGiveTheBitsOfFreshOnes() {
        int before = Parallel.threads();
        try {
            for (Normalization norm : Normalization.values()) {
                for (PositionalEmbedding positional : PositionalEmbedding.values()) {
                    for (boolean biases : new boolean[] {true, false}) {
                        Config c = new Config(2, 32, 2, 16, 37, 23, norm, positional, 1e-5, biases);
                        Weights w = TestModels.random(c, 5);
                        ShardedBackward reused = new ShardedBackward(w);
                        // batch, tokens per sequence, threads
                        int[][] calls = {{3, 37, 1}, {11, 37, 2}, {9, 5, 1}, {11, 37, 1}, {11, 37, 2}};
                        for (int k = 0; k < calls.length; k++) {
                            int batch = calls[k][0], t = calls[k][1];
                            // the weights change in place between calls, as the optimiser changes them
                            for (Tensor p : w.stateDict().values()) VectorOps.scale(p.data().length, 1f - 0.01f * k, p.data(), 0);
                            Parallel.setThreads(calls[k][2]);
                            int[] inputs = flat(TestModels.tokens(c, batch, t, 10 + k), t), targets = flat(TestModels.tokens(c, batch, t, 20 + k), t);
                            String what = norm + " " + positional + (biases ? " biases" : "") + ", call " + k;
                            Map<String, Tensor> got = Backward.zeroGradients(w), want = Backward.zeroGradients(w);
                            double loss = reused.lossAndGradients(inputs, targets, batch, t, 0.1f, got);
                            assertEquals(new ShardedBackward(w).lossAndGradients(inputs, targets, batch, t, 0.1f, want), loss, what);
                            for (String name : want.keySet()) assertArrayEquals(want.get(name).data(), got.get(name).data(), what + " " + name);
                            assertEquals(new ShardedBackward(w).loss(inputs, targets, batch, t), reused.loss(inputs, targets, batch, t), what);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static int[] flat(int[][] tok) {
        return flat(tok, T);
    }

    private static int[] flat(int[][] tok, int t) {
        int[] out = new int[tok.length * t];
        for (int b = 0; b < tok.length; b++) System.arraycopy(tok[b], 0, out, b * t, t);
        return out;
    }
}
