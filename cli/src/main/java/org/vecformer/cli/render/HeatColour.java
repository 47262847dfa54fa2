package org.vecformer.cli.render;

import java.awt.Color;

/**
 * The colour scales of reports (the page's script uses the same formulas): white blended linearly towards blue for
 * positive intensity and towards red for negative, {@code c = white + |t| (hue - white)} with t from
 * {@link ValueRange#intensity}.
 */
final class HeatColour {
    static final int[] BLUE = {8, 69, 148};
    static final int[] RED = {165, 15, 21};

    private HeatColour() {}

    static Color of(double value, ValueRange range) {
        double t = range.intensity(value);
        int[] hue = t < 0 ? RED : BLUE;
        double a = Math.abs(t);
        return new Color(blend(hue[0], a), blend(hue[1], a), blend(hue[2], a));
    }

    /** True when text on this colour should be white for contrast. */
    static boolean dark(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 140;
    }

    static String css(Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    private static int blend(int hue, double a) {
        return (int) Math.round(255 + a * (hue - 255));
    }
}
