package org.vecformer.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;

/**
 * PNG heatmaps drawn with Java2D (headless): an attention pattern with its tokens on both axes, or a labelled matrix
 * (composition scores, bigram tables), each with a title and a colour bar. The colours are those of the HTML report
 * ({@link HeatColour}); masked (future) attention cells are light grey. Files are written atomically.
 */
public final class PngHeatmap {
    private static final Color INK = new Color(0x1f, 0x23, 0x28);
    private static final Color MUTED = new Color(0x59, 0x63, 0x6e);
    /** Masked cells of a causal pattern (key after query). */
    static final Color MASKED = new Color(0xee, 0xf1, 0xf4);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private PngHeatmap() {}

    /**
     * Where things go in an image of a rows x cols grid of square cells of {@code cell} pixels: labels in the left and
     * bottom gutters, the title above, the colour bar right of the grid.
     */
    public record Layout(int rows, int cols, int cell) {
        public static final int LEFT = 120;
        public static final int TOP = 48;
        public static final int RIGHT = 100;
        public static final int BOTTOM = 110;
        /** Largest grid side in pixels before cells shrink. */
        static final int GRID = 640;

        /** The layout for a rows x cols grid: cells of {@code clamp(640 / max(rows, cols), 4, 40)} pixels. */
        public static Layout of(int rows, int cols) {
            return new Layout(rows, cols, Math.max(4, Math.min(40, GRID / Math.max(1, Math.max(rows, cols)))));
        }

        public int width() {
            return LEFT + cols * cell + RIGHT;
        }

        public int height() {
            return TOP + rows * cell + BOTTOM;
        }

        /** Left pixel column of grid column c. */
        public int x(int c) {
            return LEFT + c * cell;
        }

        /** Top pixel row of grid row r. */
        public int y(int r) {
            return TOP + r * cell;
        }
    }

    /** Writes the head's pattern (rows: query tokens, columns: key tokens) to {@code file}, sized by {@link Layout#of}. */
    public static void write(List<String> tokens, AttentionHead head, Path file) throws IOException {
        int t = tokens.size();
        if (head.pattern().length != t) {
            throw new IllegalArgumentException(head.label() + ": pattern is " + head.pattern().length + " x "
                    + head.pattern().length + " but the prompt has " + t + " tokens");
        }
        float[][] p = head.pattern();
        List<String> labels = tokens.stream().map(Tokens::visible).toList();
        BufferedImage image = draw(head.label() + " attention pattern", "rows: query token   columns: key token",
                labels, labels, ValueRange.PROBABILITY,
                (q, k) -> k > q ? MASKED.getRGB() : HeatColour.rgb(p[q][k], ValueRange.PROBABILITY), null);
        save(image, file);
    }

    /** Writes the labelled matrix to {@code file}, sized by {@link Layout#of}; cells show their value when large. */
    public static void write(Section.Matrix matrix, Path file) throws IOException {
        double[][] v = matrix.values();
        BufferedImage image = draw(matrix.title(), "", matrix.rowLabels().stream().map(Tokens::visible).toList(),
                matrix.columnLabels().stream().map(Tokens::visible).toList(), matrix.range(),
                (r, c) -> HeatColour.rgb(v[r][c], matrix.range()), v);
        save(image, file);
    }

    private static BufferedImage draw(String title, String subtitle, List<String> rowLabels, List<String> colLabels,
            ValueRange range, IntBinaryOperator rgb, double[][] values) {
        Layout layout = Layout.of(rowLabels.size(), colLabels.size());
        int cell = layout.cell();
        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, layout.width(), layout.height());
            for (int r = 0; r < layout.rows(); r++) {
                for (int c = 0; c < layout.cols(); c++) {
                    g.setColor(new Color(rgb.applyAsInt(r, c)));
                    g.fillRect(layout.x(c), layout.y(r), cell, cell);
                }
            }
            g.setColor(MUTED);
            g.drawRect(Layout.LEFT - 1, Layout.TOP - 1, layout.cols() * cell + 1, layout.rows() * cell + 1);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(fit(g.getFontMetrics(), title, layout.width() - 24), 12, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(MUTED);
            g.drawString(fit(g.getFontMetrics(), subtitle, layout.width() - 24), 12, 40);
            axisLabels(g, layout, rowLabels, colLabels);
            if (values != null && cell >= 36) {
                cellValues(g, layout, values, range);
            }
            colourBar(g, layout, range);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void axisLabels(Graphics2D g, Layout layout, List<String> rowLabels, List<String> colLabels) {
        int cell = layout.cell();
        int size = Math.max(9, Math.min(13, cell - 2));
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, size));
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        int step = cell >= 11 ? 1 : (int) Math.ceil(11.0 / cell);
        int baseline = (fm.getAscent() - fm.getDescent()) / 2;
        for (int r = 0; r < layout.rows(); r += step) {
            String label = fit(fm, step == 1 ? rowLabels.get(r) : Integer.toString(r), Layout.LEFT - 12);
            g.drawString(label, Layout.LEFT - 6 - fm.stringWidth(label), layout.y(r) + cell / 2 + baseline);
        }
        AffineTransform saved = g.getTransform();
        int below = layout.y(layout.rows()) + 6;
        for (int c = 0; c < layout.cols(); c += step) {
            String label = fit(fm, step == 1 ? colLabels.get(c) : Integer.toString(c), Layout.BOTTOM - 12);
            g.setTransform(saved);
            g.translate(layout.x(c) + cell / 2 + baseline, below);
            g.rotate(Math.PI / 2);
            g.drawString(label, 0, 0);
        }
        g.setTransform(saved);
    }

    private static void cellValues(Graphics2D g, Layout layout, double[][] values, ValueRange range) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < layout.rows(); r++) {
            for (int c = 0; c < layout.cols(); c++) {
                String text = String.format(Locale.ROOT, "%.2f", values[r][c]);
                g.setColor(HeatColour.dark(HeatColour.rgb(values[r][c], range)) ? Color.WHITE : INK);
                g.drawString(text, layout.x(c) + (layout.cell() - fm.stringWidth(text)) / 2,
                        layout.y(r) + (layout.cell() + fm.getAscent() - fm.getDescent()) / 2);
            }
        }
    }

    private static void colourBar(Graphics2D g, Layout layout, ValueRange range) {
        int x = layout.x(layout.cols()) + 20;
        int top = Layout.TOP;
        int height = Math.max(100, layout.rows() * layout.cell());
        height = Math.min(height, layout.height() - top - 20);
        for (int i = 0; i < height; i++) {
            double v = range.max() - (range.max() - range.min()) * i / Math.max(1, height - 1);
            g.setColor(new Color(HeatColour.rgb(v, range)));
            g.fillRect(x, top + i, 16, 1);
        }
        g.setColor(MUTED);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x, top, 16, height - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        double[] ticks = range.diverging() ? new double[] {range.max(), 0, range.min()}
                : new double[] {range.max(), range.min()};
        for (double t : ticks) {
            int y = top + (int) Math.round((range.max() - t) / (range.max() - range.min()) * (height - 1));
            g.setColor(INK);
            g.drawLine(x + 16, y, x + 20, y);
            g.drawString(String.format(Locale.ROOT, "%.2f", t), x + 23, y + (fm.getAscent() - fm.getDescent()) / 2);
        }
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
