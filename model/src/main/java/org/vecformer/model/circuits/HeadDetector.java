package org.vecformer.model.circuits;

import java.util.SplittableRandom;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.Config;
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

    /** Runs the model on {@code batch} repeated sequences of {@code n} tokens (2n ≤ n_ctx, n ≥ 2) and scores every head. */
    public static HeadDetector detect(Transformer model, int n, int batch, long seed) {
        Config c = model.config();
        if (n < 2 || 2 * n > c.nCtx()) {
            throw new IllegalArgumentException("repeated length n must be in [2, n_ctx/2 = " + c.nCtx() / 2 + "], not " + n);
        }
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, not " + batch);
        int[][] tokens = repeatedTokens(c.dVocab(), n, batch, seed);
        int layers = c.nLayers(), heads = c.nHeads(), t = 2 * n;
        Tensor[] patterns = patterns(model, tokens);
        double[][] prev = new double[layers][heads], dup = new double[layers][heads], ind = new double[layers][heads];
        double count = (double) batch * n;
        for (int l = 0; l < layers; l++) {
            float[] a = patterns[l].data(); // [batch, head, T, T]
            for (int h = 0; h < heads; h++) {
                double sp = 0, sd = 0, si = 0;
                for (int b = 0; b < batch; b++) {
                    int base = (b * heads + h) * t * t;
                    for (int i = n; i < t; i++) {
                        sp += a[base + i * t + i - 1];
                        sd += a[base + i * t + i - n];
                        si += a[base + i * t + i - n + 1];
                    }
                }
                prev[l][h] = sp / count;
                dup[l][h] = sd / count;
                ind[l][h] = si / count;
            }
        }
        return new HeadDetector(prev, dup, ind, tokens);
    }

    /**
     * hook_pattern of every layer; the forward stops once the last layer's pattern is formed (as TransformerLens'
     * {@code stop_at_layer}), so the unembedding — the costliest GEMM with a large vocabulary — is never computed.
     */
    private static Tensor[] patterns(Transformer model, int[][] tokens) {
        int layers = model.config().nLayers();
        Tensor[] out = new Tensor[layers];
        if (layers == 0) return out;
        Hooks hooks = Hooks.none();
        for (int l = 0; l < layers; l++) {
            int layer = l;
            hooks = hooks.with("blocks." + l + ".attn.hook_pattern", (pattern, name) -> {
                out[layer] = pattern.copy();
                if (layer == layers - 1) throw new PatternsCaptured();
                return pattern;
            });
        }
        try {
            model.run(tokens, hooks);
            throw new IllegalStateException("the forward did not reach the last attention pattern");
        } catch (PatternsCaptured done) {
            // the last pattern is in; the rest of the forward is not needed
        }
        return out;
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

    /** Thrown by the last pattern hook to end the forward early; carries no stack trace. */
    private static final class PatternsCaptured extends RuntimeException {
        PatternsCaptured() {
            super(null, null, false, false);
        }
    }
}
