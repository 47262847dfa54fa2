package org.vecformer.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A {@link Section.LossCurves} as a PNG (Java2D, headless): the same chart the HTML report draws — linear axes with
 * round ticks, one line per series in the report's palette (LINE solid, FAINT pale, POINTS dots on a dashed line),
 * dashed reference lines, a legend below. Log scale is not drawn here (the PNG callers use linear values).
 */
public final class PngLineChart {
    /** The palette of report.js, so a series has the same colour in the HTML and the PNG. */
    private static final Color[] PALETTE = {new Color(0x0969da), new Color(0xcf222e), new Color(0x1a7f37), new Color(0x8250df),
            new Color(0xbf8700), new Color(0x1b7c83), new Color(0xbf3989), new Color(0x57606a)};
    private static final Color INK = new Color(0x1f, 0x23, 0x28), GRID = new Color(0xd0, 0xd7, 0xde);
    private static final int W = 900, PLOT_H = 380, LEFT = 78, RIGHT = 24, TOP = 44, AXIS_GAP = 52, LEGEND_ROW = 20;

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private PngLineChart() {}

    public static void write(Section.LossCurves chart, Path file) throws IOException {
        if (chart.logScale()) throw new IllegalArgumentException("PngLineChart draws linear charts only");
        BufferedImage image = draw(chart);
        AtomicWrite.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this JDK");
        });
    }

    static BufferedImage draw(Section.LossCurves chart) {
        int legendItems = chart.series().size() + chart.references().size(), perRow = 4;
        int legendRows = (legendItems + perRow - 1) / perRow;
        int h = TOP + PLOT_H + AXIS_GAP + legendRows * LEGEND_ROW + 16;
        BufferedImage image = new BufferedImage(W, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, h);
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(chart.title(), 16, 26);

        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : chart.series()) {
            for (int i = 0; i < s.steps().length; i++) {
                x0 = Math.min(x0, s.steps()[i]);
                x1 = Math.max(x1, s.steps()[i]);
                y0 = Math.min(y0, s.loss()[i]);
                y1 = Math.max(y1, s.loss()[i]);
            }
        }
        for (Section.LossCurves.Reference r : chart.references()) {
            y0 = Math.min(y0, r.value());
            y1 = Math.max(y1, r.value());
        }
        if (!(x1 >= x0)) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) {
            y0 -= 0.5;
            y1 += 0.5;
        }
        double pad = (y1 - y0) * 0.05;
        y0 = y0 >= 0 && y0 - pad < 0 ? 0 : y0 - pad;
        y1 += pad;
        int pw = W - LEFT - RIGHT;
        Axis ax = new Axis(x0, x1, LEFT, LEFT + pw), ay = new Axis(y0, y1, TOP + PLOT_H, TOP);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        List<Double> yTicks = ticks(y0, y1, 6), xTicks = ticks(x0, x1, 8);
        // fewer x ticks while their labels would run into each other (tokens seen: "140,000,000160,000,000")
        for (int count = 7; count >= 2 && !labelsFit(xTicks, ax, fm); count--) xTicks = ticks(x0, x1, count);
        for (double t : yTicks) {
            int y = (int) Math.round(ay.at(t));
            g.setColor(GRID);
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(INK);
            String label = tick(t, yTicks);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 4);
        }
        for (double t : xTicks) {
            int x = (int) Math.round(ax.at(t));
            g.setColor(GRID);
            g.drawLine(x, TOP, x, TOP + PLOT_H);
            g.setColor(INK);
            String label = tick(t, xTicks);
            g.drawString(label, x - fm.stringWidth(label) / 2, TOP + PLOT_H + 18);
        }
        g.drawLine(LEFT, TOP + PLOT_H, LEFT + pw, TOP + PLOT_H);
        g.drawLine(LEFT, TOP, LEFT, TOP + PLOT_H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        g.drawString(chart.xLabel(), LEFT + pw / 2 - fm.stringWidth(chart.xLabel()) / 2, TOP + PLOT_H + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, 18, TOP + PLOT_H / 2.0);
        g.drawString(chart.yLabel(), 18 - fm.stringWidth(chart.yLabel()) / 2, TOP + PLOT_H / 2 + 4);
        g.setTransform(saved);

        List<String> names = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        List<Boolean> dashed = new ArrayList<>();
        for (int i = 0; i < chart.series().size(); i++) {
            Series s = chart.series().get(i);
            Color c = PALETTE[(s.group() >= 0 ? s.group() : i) % PALETTE.length];
            line(g, s, ax, ay, c);
            names.add(s.name());
            colours.add(c);
            dashed.add(s.style() == Series.Style.DASHED);
        }
        Color refColour = PALETTE[PALETTE.length - 1];
        for (Section.LossCurves.Reference r : chart.references()) {
            int y = (int) Math.round(ay.at(r.value()));
            g.setColor(refColour);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 4}, 0));
            g.drawLine(LEFT, y, LEFT + pw, y);
            names.add(r.name());
            colours.add(refColour);
            dashed.add(false);
        }
        g.setStroke(new BasicStroke(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        int colWidth = (W - 32) / perRow;
        for (int i = 0; i < names.size(); i++) {
            int x = 16 + (i % perRow) * colWidth, y = TOP + PLOT_H + AXIS_GAP + (i / perRow) * LEGEND_ROW + 12;
            g.setColor(colours.get(i));
            if (dashed.get(i)) {
                // two dashes, so a DASHED series is told from the LINE series sharing its colour here as in the plot
                g.fillRect(x, y - 9, 5, 4);
                g.fillRect(x + 9, y - 9, 5, 4);
            } else {
                g.fillRect(x, y - 9, 14, 4);
            }
            g.setColor(INK);
            String name = names.get(i);
            while (name.length() > 1 && fm.stringWidth(name) > colWidth - 24) name = name.substring(0, name.length() - 2) + "…";
            g.drawString(name, x + 20, y - 3);
        }
        g.dispose();
        return image;
    }

    private static void line(Graphics2D g, Series s, Axis ax, Axis ay, Color c) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < s.steps().length; i++) {
            double x = ax.at(s.steps()[i]), y = ay.at(s.loss()[i]);
            if (i == 0) path.moveTo(x, y);
            else path.lineTo(x, y);
        }
        switch (s.style()) {
            case LINE -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(path);
            }
            case DASHED -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {8, 5}, 0));
                g.draw(path);
            }
            case FAINT -> {
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 77));
                g.setStroke(new BasicStroke(1f));
                g.draw(path);
            }
            case POINTS -> {
                g.setColor(c);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {3, 3}, 0));
                g.draw(path);
                g.setStroke(new BasicStroke(1.5f));
                for (int i = 0; i < s.steps().length; i++) {
                    double x = ax.at(s.steps()[i]), y = ay.at(s.loss()[i]);
                    g.setColor(Color.WHITE);
                    g.fillOval((int) Math.round(x - 3.5), (int) Math.round(y - 3.5), 7, 7);
                    g.setColor(c);
                    g.drawOval((int) Math.round(x - 3.5), (int) Math.round(y - 3.5), 7, 7);
                }
            }
        }
    }

    /** A linear map from [lo, hi] in data units to [from, to] in pixels. */
    private record Axis(double lo, double hi, double from, double to) {
        double at(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }

    /** About {@code count} round ticks (1, 2 or 5 × 10^k apart) within [lo, hi], as report.js places them. */
    static List<Double> ticks(double lo, double hi, int count) {
        List<Double> out = new ArrayList<>();
        double span = hi - lo;
        if (!(span > 0)) return List.of(lo);
        double step = Math.pow(10, Math.floor(Math.log10(span / count))), err = span / count / step;
        if (err >= 7.5) step *= 10;
        else if (err >= 3.5) step *= 5;
        else if (err >= 1.5) step *= 2;
        for (long k = (long) Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.add(k * step); // multiples, no drifting sum
        return out;
    }

    /** Whether the labels of ticks along x leave at least 12 px between neighbours. */
    private static boolean labelsFit(List<Double> ticks, Axis ax, FontMetrics fm) {
        if (ticks.size() < 2) return true;
        int widest = 0;
        for (double t : ticks) widest = Math.max(widest, fm.stringWidth(tick(t, ticks)));
        return ax.at(ticks.get(1)) - ax.at(ticks.get(0)) >= widest + 12;
    }

    /** A tick label with as many decimals as the tick spacing needs (none, with thousands separators, for a spacing of 1 or more). */
    private static String tick(double v, List<Double> ticks) {
        double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : 1;
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, decimals == 0 ? "%,.0f" : "%." + decimals + "f", v);
    }
}
