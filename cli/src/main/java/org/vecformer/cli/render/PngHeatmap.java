package org.vecformer.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG heatmaps drawn with Java2D (headless): a {@link Section.Matrix} (its panels side by side on one colour scale,
 * axis names, caption, masked cells, row-maximum dots, one colour bar with the centre marked), or an attention pattern
 * drawn as such a matrix with its tokens on both axes and the future masked. The colours are those of the HTML report
 * ({@link HeatColour}); masked cells are grey ({@link #MASKED}). Files are written atomically.
 */
public final class PngHeatmap {
    private static final Color INK = new Color(0x1f, 0x23, 0x28);
    private static final Color MUTED = new Color(0x59, 0x63, 0x6e);
    /** Masked cells (a key after its query); the page's script uses the same grey. */
    static final Color MASKED = new Color(0xd9, 0xde, 0xe4);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font PANEL = new Font(Font.SANS_SERIF, Font.BOLD, 13);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private PngHeatmap() {}

    /**
     * Where things go: a margin, the title and the wrapped caption lines on top, then the panels side by side (each:
     * its name, the row-axis name turned on its side, row labels, a rows x cols grid of square {@code cell}-pixel cells,
     * column labels turned below it and the column-axis name), then the colour bar and its legend. All in pixels.
     */
    public record Layout(int rows, int cols, int panels, int cell, int labelWidth, int colLabelHeight, int top,
                         int panelWidth, int barX, int barHeight, int width, int height, List<String> caption) {
        static final int MARGIN = 16;
        static final int GAP = 28;
        static final int AXIS_TITLE = 20;
        static final int PANEL_TITLE = 22;
        static final int LEGEND_WIDTH = 210;
        /** Largest extent of the panels' grids together before cells shrink. */
        static final int GRID_WIDTH = 900;
        static final int GRID_HEIGHT = 640;

        /** Left pixel column of grid column c of panel p. */
        public int x(int p, int c) {
            return MARGIN + p * (panelWidth + GAP) + AXIS_TITLE + labelWidth + c * cell;
        }

        /** Top pixel row of grid row r. */
        public int y(int r) {
            return top + r * cell;
        }

        /** Top pixel row of the colour bar (the grid's top). */
        public int barTop() {
            return top;
        }
    }

    /** The layout of {@code m}: cells of {@code clamp(min(900 / (panels·cols), 640 / rows), 4, 48)} pixels. */
    public static Layout layout(Section.Matrix m) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return layout(g, m);
        } finally {
            g.dispose();
        }
    }

    private static Layout layout(Graphics2D g, Section.Matrix m) {
        Section.Matrix.Panel first = m.panels().getFirst();
        int rows = first.rowLabels().size(), cols = first.columnLabels().size(), panels = m.panels().size();
        int cell = Math.max(4, Math.min(48, Math.min(Layout.GRID_WIDTH / Math.max(1, panels * cols),
                Layout.GRID_HEIGHT / Math.max(1, rows))));
        g.setFont(labelFont(cell));
        FontMetrics fm = g.getFontMetrics();
        int step = labelStep(cell);
        int labelWidth = 0, colLabelHeight = 0;
        for (Section.Matrix.Panel p : m.panels()) {
            for (int r = 0; r < rows; r += step) labelWidth = Math.max(labelWidth, fm.stringWidth(label(p.rowLabels(), r, step)));
            for (int c = 0; c < cols; c += step) colLabelHeight = Math.max(colLabelHeight, fm.stringWidth(label(p.columnLabels(), c, step)));
        }
        labelWidth = Math.min(160, labelWidth) + 10;
        colLabelHeight = Math.min(160, colLabelHeight) + 10;
        int panelWidth = Layout.AXIS_TITLE + labelWidth + cols * cell;
        int barX = Layout.MARGIN + panels * panelWidth + (panels - 1) * Layout.GAP + 24;
        int contentWidth = barX + Layout.LEGEND_WIDTH;
        g.setFont(TITLE);
        int width = Math.max(contentWidth, g.getFontMetrics().stringWidth(m.title()) + 2 * Layout.MARGIN);
        width = Math.max(width, 520);
        g.setFont(TEXT);
        List<String> caption = wrap(g.getFontMetrics(), m.caption(), width - 2 * Layout.MARGIN);
        boolean named = m.panels().stream().anyMatch(p -> !p.name().isEmpty());
        int top = 34 + caption.size() * 16 + 10 + (named ? Layout.PANEL_TITLE : 0);
        int barHeight = Math.max(140, rows * cell);
        int legendBottom = top + barHeight + 16 + (m.mask().label().isEmpty() ? 0 : 22) + (m.markRowMax() ? 22 : 0);
        int gridBottom = top + rows * cell + colLabelHeight + Layout.AXIS_TITLE;
        int height = Math.max(legendBottom, gridBottom) + Layout.MARGIN;
        return new Layout(rows, cols, panels, cell, labelWidth, colLabelHeight, top, panelWidth, barX, barHeight, width, height, caption);
    }

    /** Writes the head's pattern (rows: query token, columns: key token, future keys masked) to {@code file}. */
    public static void write(List<String> tokens, AttentionHead head, Path file) throws IOException {
        int t = tokens.size();
        if (head.pattern().length != t) {
            throw new IllegalArgumentException(head.label() + ": pattern is " + head.pattern().length + " x "
                    + head.pattern().length + " but the prompt has " + t + " tokens");
        }
        double[][] values = new double[t][t];
        for (int q = 0; q < t; q++) for (int k = 0; k < t; k++) values[q][k] = head.pattern()[q][k];
        write(new Section.Matrix(head.label() + " attention pattern", "", new Section.Matrix.Axes("query token", "key token"),
                List.of(new Section.Matrix.Panel("", tokens, tokens, values)), ValueRange.PROBABILITY,
                Section.Matrix.Mask.causal("masked (key after query)"), false), file);
    }

    /** Writes the matrix to {@code file}, sized by {@link #layout}; cells show their value when 36 pixels or larger. */
    public static void write(Section.Matrix m, Path file) throws IOException {
        save(draw(m), file);
    }

    static BufferedImage draw(Section.Matrix m) {
        Layout layout = layout(m);
        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, layout.width(), layout.height());
            g.setColor(INK);
            g.setFont(TITLE);
            g.drawString(fit(g.getFontMetrics(), m.title(), layout.width() - 2 * Layout.MARGIN), Layout.MARGIN, 24);
            g.setFont(TEXT);
            g.setColor(MUTED);
            for (int i = 0; i < layout.caption().size(); i++) g.drawString(layout.caption().get(i), Layout.MARGIN, 44 + 16 * i);
            for (int p = 0; p < m.panels().size(); p++) panel(g, layout, m, p);
            colourBar(g, layout, m);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void panel(Graphics2D g, Layout layout, Section.Matrix m, int p) {
        Section.Matrix.Panel panel = m.panels().get(p);
        int cell = layout.cell(), rows = layout.rows(), cols = layout.cols();
        double[][] v = panel.values();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                g.setColor(m.masked(r, c) ? MASKED : new Color(HeatColour.rgb(v[r][c], m.range())));
                g.fillRect(layout.x(p, c), layout.y(r), cell, cell);
            }
        }
        int gridX = layout.x(p, 0), gridW = cols * cell, gridH = rows * cell;
        g.setColor(MUTED);
        g.drawRect(gridX - 1, layout.top() - 1, gridW + 1, gridH + 1);
        if (!panel.name().isEmpty()) {
            g.setFont(PANEL);
            g.setColor(INK);
            FontMetrics fm = g.getFontMetrics();
            String name = fit(fm, panel.name(), layout.panelWidth());
            g.drawString(name, gridX + (gridW - fm.stringWidth(name)) / 2, layout.top() - 8);
        }
        axisLabels(g, layout, p, panel);
        axisTitles(g, layout, p, m.axes());
        if (cell >= 36) {
            g.setFont(TEXT);
            FontMetrics fm = g.getFontMetrics();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    if (m.masked(r, c)) continue;
                    String text = String.format(Locale.ROOT, "%.2f", v[r][c]);
                    g.setColor(HeatColour.dark(HeatColour.rgb(v[r][c], m.range())) ? Color.WHITE : INK);
                    g.drawString(text, layout.x(p, c) + (cell - fm.stringWidth(text)) / 2,
                            layout.y(r) + (cell + fm.getAscent() - fm.getDescent()) / 2);
                }
            }
        }
        if (m.markRowMax()) {
            for (int r = 0; r < rows; r++) dot(g, layout.x(p, m.rowMax(panel, r)) + cell / 2.0, layout.y(r) + cell / 2.0, cell);
        }
    }

    private static void axisLabels(Graphics2D g, Layout layout, int p, Section.Matrix.Panel panel) {
        int cell = layout.cell();
        g.setFont(labelFont(cell));
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        int step = labelStep(cell);
        int baseline = (fm.getAscent() - fm.getDescent()) / 2;
        int gridX = layout.x(p, 0);
        for (int r = 0; r < layout.rows(); r += step) {
            String label = fit(fm, label(panel.rowLabels(), r, step), layout.labelWidth() - 10);
            g.drawString(label, gridX - 6 - fm.stringWidth(label), layout.y(r) + cell / 2 + baseline);
        }
        AffineTransform saved = g.getTransform();
        int below = layout.y(layout.rows()) + 6;
        for (int c = 0; c < layout.cols(); c += step) {
            String label = fit(fm, label(panel.columnLabels(), c, step), layout.colLabelHeight() - 10);
            g.setTransform(saved);
            g.translate(layout.x(p, c) + cell / 2 + baseline, below);
            g.rotate(Math.PI / 2);
            g.drawString(label, 0, 0);
        }
        g.setTransform(saved);
    }

    /** The row-axis name turned up the left side, the column-axis name centred under the column labels. */
    private static void axisTitles(Graphics2D g, Layout layout, int p, Section.Matrix.Axes axes) {
        g.setFont(AXIS);
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        int gridX = layout.x(p, 0), gridW = layout.cols() * layout.cell(), gridH = layout.rows() * layout.cell();
        if (!axes.columns().isEmpty()) {
            String text = fit(fm, axes.columns() + " →", layout.panelWidth());
            g.drawString(text, gridX + (gridW - fm.stringWidth(text)) / 2, layout.y(layout.rows()) + layout.colLabelHeight() + fm.getAscent());
        }
        if (!axes.rows().isEmpty()) {
            String text = fit(fm, "← " + axes.rows(), Math.max(gridH, 60));
            AffineTransform saved = g.getTransform();
            g.translate(gridX - layout.labelWidth() - Layout.AXIS_TITLE + fm.getAscent(), layout.top() + (gridH + fm.stringWidth(text)) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(text, 0, 0);
            g.setTransform(saved);
        }
    }

    /** A white dot with a dark ring: visible on white, blue, red and masked cells. */
    private static void dot(Graphics2D g, double x, double y, int cell) {
        double radius = Math.max(1.5, Math.min(5, cell * 0.22));
        Ellipse2D circle = new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(circle);
        g.setColor(INK);
        g.setStroke(new BasicStroke((float) Math.max(1, Math.min(2, cell * 0.08))));
        g.draw(circle);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    }

    /**
     * The colour bar from max (top) to min, ticks at both ends and, for a diverging range, a longer tick at the centre
     * labelled with its name (e.g. "random baseline 0.124"); below it the masked swatch and the row-maximum dot.
     */
    private static void colourBar(Graphics2D g, Layout layout, Section.Matrix m) {
        ValueRange range = m.range();
        int x = layout.barX(), top = layout.barTop(), height = layout.barHeight();
        for (int i = 0; i < height; i++) {
            double v = range.max() - (range.max() - range.min()) * i / Math.max(1, height - 1);
            g.setColor(new Color(HeatColour.rgb(v, range)));
            g.fillRect(x, top + i, 16, 1);
        }
        g.setColor(MUTED);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x, top, 16, height - 1);
        g.setFont(TEXT);
        FontMetrics fm = g.getFontMetrics();
        int mid = (fm.getAscent() - fm.getDescent()) / 2;
        List<double[]> ticks = new ArrayList<>(List.of(new double[] {range.max()}, new double[] {range.min()}));
        if (range.diverging()) ticks.add(new double[] {range.centre()});
        for (int i = 0; i < ticks.size(); i++) {
            double t = ticks.get(i)[0];
            int y = tickY(layout, range, t);
            boolean centre = i == 2;
            String text = (centre && !range.centreLabel().isEmpty() ? range.centreLabel() + " " : "") + String.format(Locale.ROOT, "%.3f", t);
            g.setColor(INK);
            if (centre && !range.centreLabel().isEmpty()) {
                g.fillRect(x - 4, y - 1, 26, 3);
            } else {
                g.drawLine(x + 16, y, x + 20, y);
            }
            g.drawString(text, x + 25, y + mid);
        }
        int y = top + height + 16;
        if (!m.mask().label().isEmpty()) {
            g.setColor(MASKED);
            g.fillRect(x, y - 7, 16, 14);
            g.setColor(INK);
            g.drawString(m.mask().label(), x + 24, y + mid);
            y += 22;
        }
        if (m.markRowMax()) {
            dot(g, x + 8, y, 16);
            g.setColor(INK);
            g.drawString("largest in its row", x + 24, y + mid);
        }
    }

    /** The pixel row of value t on the colour bar. */
    static int tickY(Layout layout, ValueRange range, double t) {
        return layout.barTop() + (int) Math.round((range.max() - t) / (range.max() - range.min()) * (layout.barHeight() - 1));
    }

    private static Font labelFont(int cell) {
        return new Font(Font.MONOSPACED, Font.PLAIN, Math.max(9, Math.min(13, cell - 2)));
    }

    /** Every label when cells are at least 11 pixels, else every k-th position number. */
    private static int labelStep(int cell) {
        return cell >= 11 ? 1 : (int) Math.ceil(11.0 / cell);
    }

    private static String label(List<String> labels, int i, int step) {
        return step == 1 ? Tokens.visible(labels.get(i)) : Integer.toString(i);
    }

    /** The text broken at spaces into lines of at most {@code width} pixels (none for empty text). */
    private static List<String> wrap(FontMetrics fm, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) continue;
            if (!line.isEmpty() && fm.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) line.append(' ');
            line.append(word);
        }
        if (!line.isEmpty()) lines.add(line.toString());
        return lines;
    }

    /** The label cut with '…' to fit {@code width} pixels. */
    private static String fit(FontMetrics fm, String label, int width) {
        if (fm.stringWidth(label) <= width) {
            return label;
        }
        String cut = label;
        while (cut.length() > 1 && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    private static void save(BufferedImage image, Path file) throws IOException {
        AtomicWrite.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JDK");
            }
        });
    }
}
