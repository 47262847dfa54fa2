package org.vecformer.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngLineChartTest {
    @TempDir
    Path dir;

    /** Each series is drawn in its palette colour; a rising line has more of its pixels on the right at the top. */
    @Test
    void drawsEachSeriesInItsColourWhereItsValuesAre() throws IOException {
        Section.LossCurves chart = new Section.LossCurves("t", "", "score", false, List.of(
                new Series("up", new long[] {0, 1000, 2000}, new double[] {0, 0.5, 1}),
                new Series("flat", new long[] {0, 1000, 2000}, new double[] {0.5, 0.5, 0.5})), List.of(), "tokens seen");
        Path file = dir.resolve("c.png");
        PngLineChart.write(chart, file);
        BufferedImage image = ImageIO.read(file.toFile());
        int blue = 0x0969da, red = 0xcf222e, blueTopRight = 0, blueBottomRight = 0, redPixels = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = image.getWidth() / 2; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb == blue && y < 44 + 190) blueTopRight++;
                if (rgb == blue && y >= 44 + 190 && y < 44 + 380) blueBottomRight++;
                if (rgb == red) redPixels++;
            }
        }
        assertTrue(blueTopRight > 50 && blueBottomRight < blueTopRight / 4, blueTopRight + " / " + blueBottomRight);
        assertTrue(redPixels > 50, "red " + redPixels);
        List<Double> ticks = PngLineChart.ticks(0, 1, 6); // spacing 0.2: 1, 2 or 5 × 10^k, as report.js
        assertEquals(6, ticks.size());
        for (int i = 0; i < 6; i++) assertEquals(0.2 * i, ticks.get(i), 1e-12);
        // a range across zero has a tick at exactly 0 (a running sum from -1.2 in steps of 0.2 ends at -2.8e-16)
        assertTrue(PngLineChart.ticks(-1.23, 0.05, 6).contains(0.0), PngLineChart.ticks(-1.23, 0.05, 6).toString());
    }

    /** Tokens-seen labels as wide as "200,000,000" get fewer ticks: the x grid lines stand a label's width plus 12 px apart. */
    @Test
    void wideTickLabelsGetFewerTicks() {
        Section.LossCurves chart = new Section.LossCurves("t", "", "score", false, List.of(
                new Series("s", new long[] {0, 204_800_000}, new double[] {0, 0})), List.of(), "tokens seen");
        BufferedImage image = PngLineChart.draw(chart);
        int y = 44 + 20, grid = 0xd0d7de; // a row in the plot above the flat series
        List<Integer> lines = new java.util.ArrayList<>();
        for (int x = 78; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xffffff) == grid) lines.add(x);
        java.awt.Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        int label = g.getFontMetrics().stringWidth("200,000,000");
        assertTrue(lines.size() >= 3, "x grid lines " + lines);
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i) - lines.get(i - 1) >= label + 12, "grid lines " + lines + " closer than a label (" + label + " px) + 12");
        }
    }

    /**
     * Two series of one group share a colour; the DASHED one is broken into dashes along a flat line (runs of its
     * colour separated by gaps), the LINE one is continuous across the same columns.
     */
    @Test
    void dashedSeriesSharesItsGroupColourButLeavesGaps() throws IOException {
        Section.LossCurves chart = new Section.LossCurves("t", "", "score", false, List.of(
                new Series("L0H1", new long[] {0, 2000}, new double[] {1, 1}, Series.Style.LINE, 1),
                new Series("L1H1", new long[] {0, 2000}, new double[] {0, 0}, Series.Style.DASHED, 1),
                new Series("scale", new long[] {0, 2000}, new double[] {-1, 2}, Series.Style.FAINT, 0)), List.of(), "tokens seen");
        Path file = dir.resolve("d.png");
        PngLineChart.write(chart, file);
        BufferedImage image = ImageIO.read(file.toFile());
        int red = 0xcf222e;
        int[] redRows = new int[image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = image.getWidth() / 4; x < 3 * image.getWidth() / 4; x++) if ((image.getRGB(x, y) & 0xffffff) == red) redRows[y]++;
        }
        int solidRow = -1, dashedRow = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            if (redRows[y] > (solidRow < 0 ? 0 : redRows[solidRow])) solidRow = y;
        }
        for (int y = solidRow + 20; y < image.getHeight() - 60; y++) {
            if (redRows[y] > 0 && (dashedRow < 0 || redRows[y] > redRows[dashedRow])) dashedRow = y;
        }
        int width = image.getWidth() / 2;
        assertTrue(redRows[solidRow] > 0.95 * width, "solid line covers " + redRows[solidRow] + " of " + width + " columns");
        assertTrue(dashedRow > 0 && redRows[dashedRow] > 0.4 * width && redRows[dashedRow] < 0.8 * width,
                "dashed line covers " + (dashedRow < 0 ? 0 : redRows[dashedRow]) + " of " + width + " columns");
        // the legend's first row: L0H1's swatch (first column) is one run of red, L1H1's (second column) has a gap
        int legendY = 44 + 380 + 52 + 12 - 7, column = (900 - 32) / 4;
        assertEquals(1, redRuns(image, legendY, 16, 16 + 14), "solid swatch");
        assertEquals(2, redRuns(image, legendY, 16 + column, 16 + column + 14), "dashed swatch");
    }

    /** Runs of the palette's red in row y between x0 (inclusive) and x1 (exclusive). */
    private static int redRuns(BufferedImage image, int y, int x0, int x1) {
        int runs = 0;
        boolean in = false;
        for (int x = x0; x < x1; x++) {
            boolean red = (image.getRGB(x, y) & 0xffffff) == 0xcf222e;
            if (red && !in) runs++;
            in = red;
        }
        return runs;
    }
}
