package org.vecformer.cli.render;

import java.util.Objects;

/**
 * One named loss curve: {@code loss[i]} measured at training step {@code steps[i]}, drawn as {@code style}; series
 * with the same {@code group} &gt;= 0 (e.g. one training run) share a colour, group -1 takes a colour of its own by
 * its place in the chart. Arrays are not copied.
 */
public record Series(String name, long[] steps, double[] loss, Style style, int group) {
    /** How a series is drawn. */
    public enum Style {
        /** A solid line. */
        LINE,
        /** A thin pale line behind the others (e.g. the raw per-step loss under its moving average). */
        FAINT,
        /** A dot per point joined by a thin dashed line (sparse measurements such as held-out evaluations). */
        POINTS,
        /** A dashed line as heavy as LINE: a second family of series that shares LINE's colours (layer 1's heads beside layer 0's). */
        DASHED
    }

    public Series {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(style, "style");
        if (group < -1) {
            throw new IllegalArgumentException("series '" + name + "': group must be >= -1, not " + group);
        }
        if (steps.length != loss.length) {
            throw new IllegalArgumentException(
                    "series '" + name + "': " + steps.length + " steps but " + loss.length + " loss values");
        }
        for (double v : loss) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("series '" + name + "': loss must be finite, found " + v);
            }
        }
    }

    /** A solid line with a colour of its own. */
    public Series(String name, long[] steps, double[] loss) {
        this(name, steps, loss, Style.LINE, -1);
    }
}
