package org.vecformer.cli.render;

import java.util.Objects;

/** One named loss curve: {@code loss[i]} measured at training step {@code steps[i]}. Arrays are not copied. */
public record Series(String name, long[] steps, double[] loss) {
    public Series {
        Objects.requireNonNull(name, "name");
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
}
