package org.vecformer.model.circuits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.HookName;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Transformer;

/**
 * Attention-pattern scores of every head on repeated random tokens {@code [r₁..rₙ, r₁..rₙ]} (a batch of such
 * sequences, r distinct tokens drawn uniformly when n ≤ d_vocab, seeded). With A = hook_pattern
 * [batch, head, query, key], each score is a mean over the batch and over the query positions of the second
 * copy, i ∈ [n, 2n):
 * <pre>
 *   previous-token  = mean A[b][h][i][i − 1]        (the token just before)
 *   duplicate-token = mean A[b][h][i][i − n]        (the earlier copy of the current token)
 *   induction       = mean A[b][h][i][i − n + 1]    (the token after the earlier copy: diagonal −(n−1))
 * </pre>
 * A head that always attends to its target scores 1; a uniform head scores about 1/i.
 *
 * @param previousToken [n_layers][n_heads]
 * @param duplicateToken [n_layers][n_heads]
 * @param induction [n_layers][n_heads]
 * @param tokens the sequences used [batch][2n]
 */
public record HeadDetector(double[][] previousToken, double[][] duplicateToken, double[][] induction, int[][] tokens) {
    /** One head's score. */
    public record HeadScore(int layer, int head, double score) {}

    /**
     * The heads of layers [from, to) whose {@code score} [n_layers][n_heads] is at least {@code threshold}, largest
     * first; ties keep layer-then-head order.
     */
    public static List<HeadScore> atLeast(double[][] score, int from, int to, double threshold) {
        List<HeadScore> hits = new ArrayList<>();
        for (int l = from; l < to; l++) {
            for (int h = 0; h < score[l].length; h++) if (score[l][h] >= threshold) hits.add(new HeadScore(l, h, score[l][h]));
        }
        hits.sort(Comparator.comparingDouble(HeadScore::score).reversed());
        return hits;
    }

    /** Runs the model on {@code batch} repeated sequences of {@code n} tokens (2n ≤ n_ctx, n ≥ 2) and scores every head. */
    public static HeadDetector detect(Transformer model, int n, int batch, long seed) {
        Config c = model.config();
        if (n < 2 || 2 * n > c.nCtx()) {
            throw new IllegalArgumentException("repeated length n must be in [2, n_ctx/2 = " + c.nCtx() / 2 + "], not " + n);
        }
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, not " + batch);
        return detect(model, repeatedTokens(c.dVocab(), n, batch, seed));
    }

    /**
     * Scores every head on the given sequences, each a sequence s of n ≥ 2 tokens followed by itself ({@code [s, s]},
     * 2n ≤ n_ctx; s may be real text, whose own repeats then count only at the positions the formulas name).
     */
    public static HeadDetector detect(Transformer model, int[][] tokens) {
        Config c = model.config();
        if (tokens.length == 0) throw new IllegalArgumentException("no sequences to score");
        int t = tokens[0].length, n = t / 2;
        for (int[] row : tokens) {
            if (row.length != t || t % 2 != 0 || n < 2 || t > c.nCtx()
                    || !Arrays.equals(row, 0, n, row, n, t)) {
                throw new IllegalArgumentException("head scores need sequences [s, s] of one length 2n, 4 <= 2n <= n_ctx " + c.nCtx());
            }
        }
        int layers = c.nLayers(), heads = c.nHeads(), batch = tokens.length;
        double[][] sp = new double[layers][heads], sd = new double[layers][heads], si = new double[layers][heads];
        for (int[] sequence : tokens) {
            forEachPattern(model, sequence, (l, a) -> { // a: [head, T, T] of this sequence
                for (int h = 0; h < heads; h++) {
                    int base = h * t * t;
                    for (int i = n; i < t; i++) {
                        sp[l][h] += a[base + i * t + i - 1];
                        sd[l][h] += a[base + i * t + i - n];
                        si[l][h] += a[base + i * t + i - n + 1];
                    }
                }
            });
        }
        double count = (double) batch * n;
        double[][] prev = new double[layers][heads], dup = new double[layers][heads], ind = new double[layers][heads];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                prev[l][h] = sp[l][h] / count;
                dup[l][h] = sd[l][h] / count;
                ind[l][h] = si[l][h] / count;
            }
        }
        return new HeadDetector(prev, dup, ind, tokens);
    }

    /** Reads one layer's attention pattern [n_heads, T, T] (row-major, from index 0) while the forward holds it. */
    interface PatternReader {
        void read(int layer, float[] pattern);
    }

    /**
     * Runs one sequence and hands hook_pattern of every layer to {@code reader}, in place (no copy). The forward stops
     * after the last block ({@link Transformer#runUntil}, TransformerLens' {@code stop_at_layer}), so the unembedding —
     * the costliest GEMM with a large vocabulary — is never computed. One sequence per forward keeps the pattern buffers
     * at [n_heads, T, T] instead of [batch, n_heads, T, T].
     */
    static void forEachPattern(Transformer model, int[] sequence, PatternReader reader) {
        int layers = model.config().nLayers();
        Hooks hooks = Hooks.none();
        for (int l = 0; l < layers; l++) {
            int layer = l;
            hooks = hooks.with(HookName.of(HookName.Hook.PATTERN, l), (pattern, name) -> {
                if (!pattern.isContiguous() || pattern.offset() != 0) throw new IllegalStateException(name + " is not a contiguous buffer");
                reader.read(layer, pattern.data());
                return pattern;
            });
        }
        model.runUntil(layers, new int[][] {sequence}, hooks);
    }

    /** {@code batch} sequences [r₁..rₙ, r₁..rₙ]; r distinct (partial Fisher–Yates) when n ≤ vocab, else i.i.d. uniform. */
    public static int[][] repeatedTokens(int vocab, int n, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] out = new int[batch][2 * n];
        int[] scratch = new int[vocab];
        for (int[] row : out) {
            if (n <= vocab) {
                for (int i = 0; i < vocab; i++) scratch[i] = i;
                for (int i = 0; i < n; i++) {
                    int j = i + rnd.nextInt(vocab - i);
                    int s = scratch[i];
                    scratch[i] = scratch[j];
                    scratch[j] = s;
                    row[i] = scratch[i];
                }
            } else {
                for (int i = 0; i < n; i++) row[i] = rnd.nextInt(vocab);
            }
            System.arraycopy(row, 0, row, n, n);
        }
        return out;
    }
}
