package org.vecformer.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngHeatmapTest {
    private static BufferedImage read(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "not a decodable PNG: " + file);
        return image;
    }

    /** A pixel just inside the top-left corner of grid cell (r, c), clear of any text drawn at the centre. */
    private static Color cellPixel(BufferedImage image, PngHeatmap.Layout layout, int r, int c) {
        return cellPixel(image, layout, 0, r, c);
    }

    private static Color cellPixel(BufferedImage image, PngHeatmap.Layout layout, int panel, int r, int c) {
        return new Color(image.getRGB(layout.x(panel, c) + 3, layout.y(r) + 3));
    }

    /** The layout of an attention pattern's PNG: the pattern drawn as a one-panel matrix. */
    private static PngHeatmap.Layout attentionLayout(List<String> tokens, AttentionHead head) {
        double[][] v = new double[tokens.size()][tokens.size()];
        return PngHeatmap.layout(new Section.Matrix(head.label() + " attention pattern", "", new Section.Matrix.Axes("query token", "key token"),
                List.of(new Section.Matrix.Panel("", tokens, tokens, v)), ValueRange.PROBABILITY,
                Section.Matrix.Mask.causal("masked (key after query)"), false));
    }

    /** Distance from white: 0 for white, 765 for black. */
    private static int intensity(Color c) {
        return 765 - c.getRed() - c.getGreen() - c.getBlue();
    }

    @Test
    void attentionPngHasTheGridSizeAndHighWeightsAreDarkerThanMaskedCells(@TempDir Path dir) throws IOException {
        List<AttentionHead> heads = SampleReport.heads(12, new Random(1));
        AttentionHead previousToken = heads.get(1);
        Path file = dir.resolve("L0H1.png");
        PngHeatmap.write(SampleReport.TOKENS, previousToken, file);

        BufferedImage image = read(file);
        PngHeatmap.Layout layout = attentionLayout(SampleReport.TOKENS, previousToken);
        assertEquals(48, layout.cell(), "12 tokens get the largest cells");
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());

        float high = previousToken.pattern()[5][4];
        assertTrue(high > 0.8f, "the sample's previous-token head puts most weight on q-1: " + high);
        Color strong = cellPixel(image, layout, 5, 4);
        Color masked = cellPixel(image, layout, 2, 7);
        assertTrue(intensity(strong) > intensity(masked) + 300, strong + " vs masked " + masked);
        assertTrue(strong.getBlue() > strong.getRed() + 60, "weights are blue: " + strong);
        assertEquals(PngHeatmap.MASKED, masked);
        // every visible cell is white blended towards blue (8, 69, 148) by its weight
        float[][] p = previousToken.pattern();
        for (int q = 1; q < 12; q++) {
            for (int k = 0; k <= q; k++) {
                int expected = intensity(new Color(255 - Math.round(p[q][k] * (255 - 8)),
                        255 - Math.round(p[q][k] * (255 - 69)), 255 - Math.round(p[q][k] * (255 - 148))));
                assertTrue(Math.abs(intensity(cellPixel(image, layout, q, k)) - expected) <= 3,
                        "cell " + q + "," + k + " weight " + p[q][k]);
            }
        }
    }

    @Test
    void compositionPngPutsQKVOnOneScaleWhiteAtTheBaselineWithTheBaselineMarkedOnTheBar(@TempDir Path dir) throws IOException {
        Section.Matrix m = SampleReport.composition();
        Path file = dir.resolve("composition.png");
        PngHeatmap.write(m, file);

        BufferedImage image = read(file);
        PngHeatmap.Layout layout = PngHeatmap.layout(m);
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());
        assertEquals(3, layout.panels());
        assertEquals(48, layout.cell(), "4 x 4 panels get the largest cells");
        assertTrue(layout.x(2, 3) + layout.cell() < layout.barX(), "the colour bar is right of the last panel");
        assertTrue(layout.x(2, 3) + layout.cell() > image.getWidth() / 2, "the panels fill the figure, not a corner of it");
        int strongest = intensity(cellPixel(image, layout, 1, 2, 1));
        for (int p = 0; p < 3; p++) {
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    double v = m.panels().get(p).values()[r][c];
                    Color pixel = cellPixel(image, layout, p, r, c);
                    if (p != 1 || r != 2 || c != 1) {
                        assertTrue(strongest > intensity(pixel) + 200, "K L0H1 -> L1H2 is the darkest");
                        assertTrue(intensity(pixel) < 90, "scores within 0.02 of the baseline are near white: " + v + " " + pixel);
                    }
                    assertEquals(HeatColour.rgb(v, m.range()), pixel.getRGB() & 0xffffff, "panel " + p + " cell " + r + "," + c + " on the shared scale");
                }
            }
        }
        int x = layout.barX() + 8;
        int atBaseline = PngHeatmap.tickY(layout, m.range(), SampleReport.BASELINE);
        for (int dy : new int[] {-2, 2}) {
            assertTrue(intensity(new Color(image.getRGB(x, atBaseline + dy))) < 40, "the bar is near white next to the baseline mark");
        }
        Color above = new Color(image.getRGB(x, layout.barTop() + 2)), below = new Color(image.getRGB(x, layout.barTop() + layout.barHeight() - 3));
        assertTrue(above.getBlue() > above.getRed() + 60, "blue above the baseline: " + above);
        assertTrue(below.getRed() > below.getBlue() + 60, "red below it: " + below);
        Color mark = new Color(image.getRGB(layout.barX() - 2, atBaseline));
        assertTrue(intensity(mark) > 600, "a dark marker crosses the bar at the baseline: " + mark);
    }

    @Test
    void positionalPngMasksTheFutureGreyAndDotsEachRowsMaximum(@TempDir Path dir) throws IOException {
        Section.Matrix m = SampleReport.positional();
        Path file = dir.resolve("positional.png");
        PngHeatmap.write(m, file);
        BufferedImage image = read(file);
        PngHeatmap.Layout layout = PngHeatmap.layout(m);
        int n = SampleReport.POSITIONS;
        for (int q = 0; q < n; q++) {
            for (int k = q + 1; k < n; k++) {
                assertEquals(PngHeatmap.MASKED, cellPixel(image, layout, q, k), "key " + k + " after query " + q);
            }
            int best = m.rowMax(m.panels().getFirst(), q);
            assertEquals(Math.max(0, q - 1), best, "the sample peaks at q-1");
            int cx = layout.x(0, best) + layout.cell() / 2, cy = layout.y(q) + layout.cell() / 2;
            assertEquals(Color.WHITE, new Color(image.getRGB(cx, cy)), "a white dot at the row maximum of row " + q);
        }
        int y = layout.barTop() + layout.barHeight() + 16;
        assertEquals(PngHeatmap.MASKED, new Color(image.getRGB(layout.barX() + 8, y)), "the legend shows the masked grey");
    }

    @Test
    void divergingMatrixIsRedBelowZeroAndBlueAbove(@TempDir Path dir) throws IOException {
        Section.Matrix m = new Section.Matrix("signed", List.of("a", "b"), List.of("x", "y", "z"),
                new double[][] {{-2, 0, 2}, {-1, 0.5, 1}}, new ValueRange(-2, 2));
        Path file = dir.resolve("signed.png");
        PngHeatmap.write(m, file);
        BufferedImage image = read(file);
        PngHeatmap.Layout layout = PngHeatmap.layout(m);
        Color negative = cellPixel(image, layout, 0, 0);
        Color zero = cellPixel(image, layout, 0, 1);
        Color positive = cellPixel(image, layout, 0, 2);
        assertTrue(negative.getRed() > negative.getBlue() + 100, "negative is red: " + negative);
        assertTrue(positive.getBlue() > positive.getRed() + 100, "positive is blue: " + positive);
        assertEquals(Color.WHITE, zero);
    }

    @Test
    void longPromptsShrinkCellsAndStillWrite(@TempDir Path dir) throws IOException {
        int t = 100;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            tokens.add(i % 7 == 0 ? "\n" : " tok" + i);
        }
        AttentionHead head = SampleReport.heads(t, new Random(2)).get(6);
        Path file = dir.resolve("long.png");
        PngHeatmap.write(tokens, head, file);
        BufferedImage image = read(file);
        PngHeatmap.Layout layout = attentionLayout(tokens, head);
        assertEquals(6, layout.cell(), "640 / 100");
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left");
        }
    }
}
