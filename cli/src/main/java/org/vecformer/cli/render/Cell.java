package org.vecformer.cli.render;

import java.util.Locale;
import java.util.Objects;

/** One table cell: text, or a number shown with a fixed count of decimals (and coloured in a heat column). */
public sealed interface Cell {
    /** The cell as shown. */
    String display();

    record Text(String text) implements Cell {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String display() {
            return text;
        }
    }

    record Numeric(double value, int decimals) implements Cell {
        public Numeric {
            if (decimals < 0) {
                throw new IllegalArgumentException("decimals must be >= 0, not " + decimals);
            }
        }

        @Override
        public String display() {
            return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
        }
    }

    static Cell of(String text) {
        return new Text(text);
    }

    /** A number shown with 3 decimals. */
    static Cell of(double value) {
        return new Numeric(value, 3);
    }

    static Cell of(double value, int decimals) {
        return new Numeric(value, decimals);
    }

    /** A whole number. */
    static Cell of(long value) {
        return new Numeric(value, 0);
    }
}
