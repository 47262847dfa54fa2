package org.vecformer.cli.render;

/**
 * The colour scale of reports (the page's script uses the same formula): white blended linearly towards blue for
 * positive intensity and towards red for negative, {@code c = white + |t| (hue - white)} per channel, with t from
 * {@link ValueRange#intensity}. Colours are packed 0xRRGGBB.
 */
final class HeatColour {
    static final int[] BLUE = {8, 69, 148};
    static final int[] RED = {165, 15, 21};

    private HeatColour() {}

    static int rgb(double value, ValueRange range) {
        double t = range.intensity(value);
        int[] hue = t < 0 ? RED : BLUE;
        double a = Math.abs(t);
        return blend(hue[0], a) << 16 | blend(hue[1], a) << 8 | blend(hue[2], a);
    }

    /** True when text on this colour should be white for contrast (luma below 140 of 255). */
    static boolean dark(int rgb) {
        return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff) < 140;
    }

    static String css(int rgb) {
        return "rgb(" + (rgb >> 16 & 0xff) + "," + (rgb >> 8 & 0xff) + "," + (rgb & 0xff) + ")";
    }

    private static int blend(int hue, double a) {
        return (int) Math.round(255 + a * (hue - 255));
    }
}
