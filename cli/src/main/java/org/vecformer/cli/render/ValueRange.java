package org.vecformer.cli.render;

import java.util.Objects;

/**
 * The range of values a colour scale spans, and its neutral value {@code centre} (white). A range with
 * {@code min < centre < max} is diverging (red below the centre, blue above, each side scaled by its own end);
 * any other range is sequential (white at {@code min}, blue at {@code max}). {@code centreLabel} names a centre
 * that is not plain zero (e.g. "random baseline"), and the colour bar marks it; empty for none.
 */
public record ValueRange(double min, double max, double centre, String centreLabel) {
    /** Attention weights: [0, 1]. */
    public static final ValueRange PROBABILITY = new ValueRange(0, 1);

    public ValueRange {
        Objects.requireNonNull(centreLabel, "centreLabel");
        if (!Double.isFinite(min) || !Double.isFinite(max) || !Double.isFinite(centre) || !(min < max)) {
            throw new IllegalArgumentException("value range needs finite min < max and a finite centre, not [" + min + ", "
                    + max + "] centred at " + centre);
        }
    }

    /** A range whose neutral value is zero: diverging when it straddles zero, else sequential. */
    public ValueRange(double min, double max) {
        this(min, max, 0, "");
    }

    /** A diverging range anchored at {@code centre} (white), marked on the colour bar as {@code label}. */
    public static ValueRange anchored(double min, double centre, double max, String label) {
        if (!(min < centre && centre < max)) {
            throw new IllegalArgumentException("an anchored range needs min < centre < max, not " + min + " < " + centre + " < " + max);
        }
        return new ValueRange(min, max, centre, label);
    }

    /** True when the range straddles its centre, so the scale is white at the centre. */
    public boolean diverging() {
        return min < centre && centre < max;
    }

    /**
     * Signed intensity of v in [-1, 1]: for a diverging range {@code (v - centre)/(max - centre)} above the centre and
     * {@code -(centre - v)/(centre - min)} below; otherwise {@code (v - min)/(max - min)}. Clamped to [-1, 1]
     * (diverging) or [0, 1]; the sign says which colour.
     */
    public double intensity(double v) {
        if (diverging()) {
            return Math.max(-1, Math.min(1, v >= centre ? (v - centre) / (max - centre) : -(centre - v) / (centre - min)));
        }
        return Math.max(0, Math.min(1, (v - min) / (max - min)));
    }
}
