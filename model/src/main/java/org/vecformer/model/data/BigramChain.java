package org.vecformer.model.data;

import java.util.SplittableRandom;

/**
 * A Markov chain over the vocabulary: {@code transition} [V, V] with row a the distribution of the token after a.
 * {@link #random} draws each row as a softmax of Gaussian logits, {@code P(b | a) = softmax_b(z_ab / τ)} with
 * {@code z_ab ~ N(0, 1)}: a small temperature τ makes rows peaked, a large one flat, none is one-hot.
 */
public record BigramChain(int dVocab, double[] transition) {
    public BigramChain {
        if (dVocab < 1 || transition.length != dVocab * dVocab) {
            throw new IllegalArgumentException("a transition matrix over " + dVocab + " tokens needs " + dVocab * dVocab + " entries");
        }
    }

    /** A chain with rows softmax(z / temperature), z Gaussian, drawn from {@code seed}. */
    public static BigramChain random(int dVocab, double temperature, long seed) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, not " + temperature);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = new double[dVocab * dVocab];
        for (int a = 0; a < dVocab; a++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int b = 0; b < dVocab; b++) max = Math.max(max, p[a * dVocab + b] = rng.nextGaussian() / temperature);
            for (int b = 0; b < dVocab; b++) sum += p[a * dVocab + b] = Math.exp(p[a * dVocab + b] - max);
            for (int b = 0; b < dVocab; b++) p[a * dVocab + b] /= sum;
        }
        return new BigramChain(dVocab, p);
    }

    /** {@code n} tokens of one walk, drawn from {@code seed}: the first uniform, each next one from the row of the one before. */
    public int[] walk(int n, long seed) {
        if (n < 1) throw new IllegalArgumentException("a walk needs >= 1 token, not " + n);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] tokens = new int[n];
        tokens[0] = rng.nextInt(dVocab);
        for (int i = 1; i < n; i++) tokens[i] = sample(tokens[i - 1], rng);
        return tokens;
    }

    /** P(next = b | current = a). */
    public double probability(int a, int b) {
        return transition[a * dVocab + b];
    }

    /** A token drawn from row a by inverting its cumulative distribution at one uniform draw. */
    int sample(int a, SplittableRandom rng) {
        double u = rng.nextDouble();
        int row = a * dVocab;
        for (int b = 0; b < dVocab - 1; b++) {
            u -= transition[row + b];
            if (u < 0) return b;
        }
        return dVocab - 1;
    }

    /**
     * Mean over current tokens a (uniformly weighted) of KL(true ‖ model) of the next-token distributions:
     * {@code (1/V) Σ_a Σ_b P(b|a)·ln(P(b|a) / Q(b|a))}, nats, for a model table Q [V, V] (row a: the model's
     * next-token probabilities after a). Infinite when Q is 0 where P is not.
     */
    public double meanKl(float[] model) {
        if (model.length != dVocab * dVocab) throw new IllegalArgumentException("model table needs " + dVocab * dVocab + " entries");
        double kl = 0;
        for (int i = 0; i < transition.length; i++) {
            if (transition[i] > 0) kl += transition[i] * Math.log(transition[i] / model[i]);
        }
        return kl / dVocab;
    }
}
