package org.vecformer.model.patching;

import org.vecformer.engine.tensor.Tensor;

/**
 * What a patching experiment measures, at the last position T−1 of a prompt's logits ℓ = logits[0, T−1, :]:
 * <pre>
 *   LOGIT_DIFF   m = ℓ[answer] − ℓ[wrong]                       ∂m/∂ℓ = e_answer − e_wrong
 *   LOGPROB      m = ℓ[answer] − log Σ_v exp ℓ[v]               ∂m/∂ℓ = e_answer − softmax(ℓ)
 * </pre>
 * computed in double. {@code wrong} is ignored by LOGPROB.
 */
public record Metric(Kind kind, int answer, int wrong) {
    /** Logit difference, or log-probability of the answer. */
    public enum Kind { LOGIT_DIFF, LOGPROB }

    /** Checks the ids against a vocabulary of {@code vocab} tokens: one line naming the bad id. */
    public Metric checked(int vocab) {
        for (int id : kind == Kind.LOGPROB ? new int[] {answer} : new int[] {answer, wrong}) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        return this;
    }

    /** m of the last position of {@code logits} [1, T, d_vocab]. */
    public double of(Tensor logits) {
        int t = logits.dim(1), vocab = logits.dim(2);
        float[] d = logits.data();
        int row = logits.offset() + (t - 1) * vocab;
        return switch (kind) {
            case LOGIT_DIFF -> (double) d[row + answer] - d[row + wrong];
            case LOGPROB -> d[row + answer] - logSumExp(d, row, vocab);
        };
    }

    /** ∂m/∂logits [1, T, d_vocab] (zero except at the last position) for contiguous {@code logits} [1, T, d_vocab]. */
    public Tensor gradient(Tensor logits) {
        int t = logits.dim(1), vocab = logits.dim(2);
        float[] g = new float[t * vocab];
        int row = (t - 1) * vocab;
        switch (kind) {
            case LOGIT_DIFF -> {
                g[row + answer] += 1f;
                g[row + wrong] -= 1f;
            }
            case LOGPROB -> {
                float[] d = logits.data();
                int in = logits.offset() + row;
                double lse = logSumExp(d, in, vocab);
                for (int v = 0; v < vocab; v++) g[row + v] = (float) -Math.exp(d[in + v] - lse);
                g[row + answer] += 1f;
            }
        }
        return Tensor.of(g, 1, t, vocab);
    }

    private static double logSumExp(float[] d, int from, int n) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, d[from + i]);
        for (int i = 0; i < n; i++) sum += Math.exp(d[from + i] - max);
        return max + Math.log(sum);
    }
}
