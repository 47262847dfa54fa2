package org.vecformer.cli.render;

import java.util.List;
import java.util.Objects;

/** One part of a {@link Report}, with a heading ({@code title}, may be empty). */
public sealed interface Section {
    String title();

    /** Paragraphs of plain text. */
    record Text(String title, List<String> paragraphs) implements Section {
        public Text {
            Objects.requireNonNull(title, "title");
            paragraphs = List.copyOf(paragraphs);
        }
    }

    /**
     * Loss against training step, one line per series (e.g. train and held-out, of one or several runs), and
     * horizontal reference lines (e.g. ln d_vocab, the loss of a uniform guess); {@code caption} says how the series
     * were made (may be empty); {@code xLabel} names the x axis ("step" unless given, e.g. "tokens seen").
     */
    record LossCurves(String title, String caption, String yLabel, boolean logScale, List<Series> series,
                      List<Reference> references, String xLabel) implements Section {
        public LossCurves {
            Objects.requireNonNull(xLabel, "xLabel");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(yLabel, "yLabel");
            series = List.copyOf(series);
            references = List.copyOf(references);
            if (logScale) {
                for (Series s : series) {
                    for (double v : s.loss()) {
                        if (v <= 0) {
                            throw new IllegalArgumentException("a log-scale loss chart needs positive values; series '"
                                    + s.name() + "' has " + v);
                        }
                    }
                }
                for (Reference r : references) {
                    if (r.value() <= 0) {
                        throw new IllegalArgumentException("a log-scale loss chart needs positive values; reference '"
                                + r.name() + "' is " + r.value());
                    }
                }
            }
        }

        /** Curves against training step. */
        public LossCurves(String title, String caption, String yLabel, boolean logScale, List<Series> series, List<Reference> references) {
            this(title, caption, yLabel, logScale, series, references, "step");
        }

        /** Curves without caption or reference lines. */
        public LossCurves(String title, String yLabel, boolean logScale, List<Series> series) {
            this(title, "", yLabel, logScale, series, List.of());
        }

        /** A dashed horizontal line at {@code value}, labelled {@code name} at its right end. */
        public record Reference(String name, double value) {
            public Reference {
                Objects.requireNonNull(name, "name");
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("reference '" + name + "' must be finite, not " + value);
                }
            }
        }
    }

    /** The attention patterns of several heads on one prompt; {@code tokens} are the prompt's T token strings. */
    record Attention(String title, List<String> tokens, List<AttentionHead> heads) implements Section {
        public Attention {
            Objects.requireNonNull(title, "title");
            tokens = List.copyOf(tokens);
            heads = List.copyOf(heads);
            for (AttentionHead h : heads) {
                if (h.pattern().length != tokens.size()) {
                    throw new IllegalArgumentException(h.label() + ": pattern is " + h.pattern().length + " x "
                            + h.pattern().length + " but the prompt has " + tokens.size() + " tokens");
                }
            }
        }
    }

    /** A table; numbers in a column with a heat range get a background colour by value. */
    record Table(String title, List<Column> columns, List<List<Cell>> rows) implements Section {
        public Table {
            Objects.requireNonNull(title, "title");
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<Cell> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("table '" + title + "': a row has " + row.size()
                            + " cells for " + columns.size() + " columns");
                }
            }
        }

        /** A column header; {@code heat} is null for no colouring. */
        public record Column(String header, ValueRange heat) {
            public Column {
                Objects.requireNonNull(header, "header");
            }

            public static Column plain(String header) {
                return new Column(header, null);
            }

            public static Column heat(String header, ValueRange range) {
                return new Column(header, Objects.requireNonNull(range, "range"));
            }
        }
    }

    /**
     * One or more labelled matrices drawn as heatmaps side by side on ONE colour scale {@code range} (composition scores
     * Q, K, V together; a bigram table; a positional QK circuit). {@code caption} says what is shown and how it was
     * transformed (may be empty); {@code axes} name what rows and columns are. Values must be finite (masked cells
     * too; they are not shown). Cells the {@code mask} covers are drawn grey, not coloured, and the legend shows the
     * mask's label. With {@code markRowMax} each row's largest unmasked cell gets a dot.
     */
    record Matrix(String title, String caption, Axes axes, List<Panel> panels, ValueRange range, Mask mask,
                  boolean markRowMax) implements Section {
        public Matrix {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(axes, "axes");
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(mask, "mask");
            panels = List.copyOf(panels);
            if (panels.isEmpty()) {
                throw new IllegalArgumentException("matrix '" + title + "' has no panels");
            }
            for (Panel p : panels) {
                for (double[] row : p.values()) {
                    for (double v : row) {
                        if (!Double.isFinite(v)) {
                            throw new IllegalArgumentException("matrix '" + title + "': values must be finite, found " + v);
                        }
                    }
                }
            }
        }

        /** One unnamed panel, no caption, no axis names, no mask. */
        public Matrix(String title, List<String> rowLabels, List<String> columnLabels, double[][] values, ValueRange range) {
            this(title, "", new Axes("", ""), List.of(new Panel("", rowLabels, columnLabels, values)), range, Mask.NONE, false);
        }

        /** What the rows and the columns are, e.g. "current token" and "next token" (empty: unnamed). */
        public record Axes(String rows, String columns) {
            public Axes {
                Objects.requireNonNull(rows, "rows");
                Objects.requireNonNull(columns, "columns");
            }
        }

        /**
         * One heatmap: {@code values[r][c]} (double[rows][cols]) at row label r, column label c; {@code name} is shown
         * above it (may be empty). The array is not copied.
         */
        public record Panel(String name, List<String> rowLabels, List<String> columnLabels, double[][] values) {
            public Panel {
                Objects.requireNonNull(name, "name");
                rowLabels = List.copyOf(rowLabels);
                columnLabels = List.copyOf(columnLabels);
                if (values.length != rowLabels.size()) {
                    throw new IllegalArgumentException("panel '" + name + "': " + values.length + " rows of values for "
                            + rowLabels.size() + " row labels");
                }
                for (double[] row : values) {
                    if (row.length != columnLabels.size()) {
                        throw new IllegalArgumentException("panel '" + name + "': a row has " + row.length
                                + " values for " + columnLabels.size() + " column labels");
                    }
                }
            }
        }

        /**
         * Cells not shown: with a non-empty {@code label}, those whose column block lies after their row block,
         * {@code c / block > r / block}. Block 1 is the causal mask (a key after its query); block H masks the pairs of
         * a composition matrix whose earlier head is not in an earlier layer.
         */
        public record Mask(String label, int block) {
            public static final Mask NONE = new Mask("", 1);

            public Mask {
                Objects.requireNonNull(label, "label");
                if (block < 1) {
                    throw new IllegalArgumentException("mask block must be >= 1, not " + block);
                }
            }

            /** The causal mask: column (key) after row (query). */
            public static Mask causal(String label) {
                return new Mask(label, 1);
            }

            public boolean masks(int r, int c) {
                return !label.isEmpty() && c / block > r / block;
            }
        }

        /** True when the mask covers cell (r, c). */
        public boolean masked(int r, int c) {
            return mask.masks(r, c);
        }

        /** The column of the largest unmasked value of row r of a panel (ties to the first). */
        public int rowMax(Panel panel, int r) {
            double[] row = panel.values()[r];
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (!masked(r, c) && row[c] > row[best]) {
                    best = c;
                }
            }
            return best;
        }
    }
}
