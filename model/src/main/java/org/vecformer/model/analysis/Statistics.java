package org.vecformer.model.analysis;

/** Summary statistics in double precision over the flat arrays analyses produce. */
public final class Statistics {
    private Statistics() {}

    /**
     * Pearson correlation {@code r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²)} of two samples of the same length (NaN when
     * either is constant).
     */
    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("samples of " + x.length + " and " + y.length + " values");
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Mean of the {@code x[i]} whose {@code mask[i]} is true; 0 when none is. */
    public static double mean(double[] x, boolean[] mask) {
        if (x.length != mask.length) throw new IllegalArgumentException(x.length + " values for a mask of " + mask.length);
        double s = 0;
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (mask[i]) {
                s += x[i];
                count++;
            }
        }
        return s / Math.max(1, count);
    }

    /** Index of the largest of {@code x}, the first one on ties. */
    public static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** Exponential moving average {@code s_0 = x_0, s_t = w·s_{t−1} + (1 − w)·x_t} of a series (empty for an empty one). */
    public static double[] ema(double[] x, double w) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) s[i] = i == 0 ? x[0] : w * s[i - 1] + (1 - w) * x[i];
        return s;
    }
}
