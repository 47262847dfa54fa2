package org.vecformer.cli.render;

/**
 * The range of values a colour scale spans. A range with {@code min < 0 < max} is diverging (red below zero,
 * white at zero, blue above); any other range is sequential (white at {@code min}, blue at {@code max}).
 */
public record ValueRange(double min, double max) {
    /** Attention weights: [0, 1]. */
    public static final ValueRange PROBABILITY = new ValueRange(0, 1);

    public ValueRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("value range needs finite min < max, not [" + min + ", " + max + "]");
        }
    }

    /** True when the range straddles zero, so the scale is centred on zero. */
    public boolean diverging() {
        return min < 0 && max > 0;
    }

    /**
     * Signed intensity of v in [-1, 1]: for a diverging range {@code v/max} above zero and {@code -v/min} below;
     * otherwise {@code (v - min)/(max - min)}. Clamped to [-1, 1] (diverging) or [0, 1]; the sign says which colour.
     */
    public double intensity(double v) {
        if (diverging()) {
            return Math.max(-1, Math.min(1, v >= 0 ? v / max : -v / min));
        }
        return Math.max(0, Math.min(1, (v - min) / (max - min)));
    }
}
