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

    /** Loss against training step, one line per series (e.g. train and held-out, of one or several runs). */
    record LossCurves(String title, String yLabel, boolean logScale, List<Series> series) implements Section {
        public LossCurves {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(yLabel, "yLabel");
            series = List.copyOf(series);
            if (logScale) {
                for (Series s : series) {
                    for (double v : s.loss()) {
                        if (v <= 0) {
                            throw new IllegalArgumentException("a log-scale loss chart needs positive values; series '"
                                    + s.name() + "' has " + v);
                        }
                    }
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
     * A labelled matrix drawn as a heatmap: {@code values[r][c]} (double[rows][cols]) at row label r, column label c,
     * coloured over {@code range} (composition scores between heads, bigram tables). The array is not copied.
     */
    record Matrix(String title, List<String> rowLabels, List<String> columnLabels, double[][] values, ValueRange range)
            implements Section {
        public Matrix {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(range, "range");
            rowLabels = List.copyOf(rowLabels);
            columnLabels = List.copyOf(columnLabels);
            if (values.length != rowLabels.size()) {
                throw new IllegalArgumentException("matrix '" + title + "': " + values.length + " rows of values for "
                        + rowLabels.size() + " row labels");
            }
            for (double[] row : values) {
                if (row.length != columnLabels.size()) {
                    throw new IllegalArgumentException("matrix '" + title + "': a row has " + row.length
                            + " values for " + columnLabels.size() + " column labels");
                }
                for (double v : row) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("matrix '" + title + "': values must be finite, found " + v);
                    }
                }
            }
        }
    }
}
