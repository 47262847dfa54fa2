package org.vecformer.model.analysis;

/**
 * Next-token probabilities read from float logits in double precision, for analyses that compare them with exact
 * numbers (a chain's transition table, a closed form). The float {@code Softmax} and {@code CrossEntropy} kernels of
 * the engine serve the forward and the training step; these serve the reading of a few rows, where a float rounding
 * would show in a printed KL or correlation.
 */
public final class Probabilities {
    private Probabilities() {}

    /** {@code p[i] = exp(x[off + i] − m) / Σ_j exp(x[off + j] − m)} with m the row maximum, for i in [0, n), in double. */
    public static double[] softmax(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        for (int i = 0; i < n; i++) sum += Math.exp(x[off + i] - max);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = Math.exp(x[off + i] - max) / sum;
        return p;
    }

    /** Index i in [0, n) of the largest {@code x[off + i]}, the first one on ties. */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
