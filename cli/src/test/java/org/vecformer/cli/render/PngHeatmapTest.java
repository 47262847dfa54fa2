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
        return new Color(image.getRGB(layout.x(c) + 3, layout.y(r) + 3));
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
        PngHeatmap.Layout layout = PngHeatmap.Layout.of(12, 12);
        assertEquals(40, layout.cell(), "12 tokens get the largest cells");
        assertEquals(PngHeatmap.Layout.LEFT + 12 * 40 + PngHeatmap.Layout.RIGHT, image.getWidth());
        assertEquals(PngHeatmap.Layout.TOP + 12 * 40 + PngHeatmap.Layout.BOTTOM, image.getHeight());

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
    void compositionPngColoursTheLargestScoreDarkest(@TempDir Path dir) throws IOException {
        Section.Matrix m = SampleReport.composition();
        Path file = dir.resolve("composition.png");
        PngHeatmap.write(m, file);

        BufferedImage image = read(file);
        PngHeatmap.Layout layout = PngHeatmap.Layout.of(4, 4);
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());
        assertEquals(PngHeatmap.Layout.LEFT + 4 * layout.cell() + PngHeatmap.Layout.RIGHT, image.getWidth());
        int strongest = intensity(cellPixel(image, layout, 2, 1));
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                if (r != 2 || c != 1) {
                    assertTrue(strongest > intensity(cellPixel(image, layout, r, c)) + 200, "L1H2 x L0H1 is the largest");
                }
            }
        }
    }

    @Test
    void divergingMatrixIsRedBelowZeroAndBlueAbove(@TempDir Path dir) throws IOException {
        Section.Matrix m = new Section.Matrix("signed", List.of("a", "b"), List.of("x", "y", "z"),
                new double[][] {{-2, 0, 2}, {-1, 0.5, 1}}, new ValueRange(-2, 2));
        Path file = dir.resolve("signed.png");
        PngHeatmap.write(m, file);
        BufferedImage image = read(file);
        PngHeatmap.Layout layout = PngHeatmap.Layout.of(2, 3);
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
        PngHeatmap.Layout layout = PngHeatmap.Layout.of(t, t);
        assertEquals(6, layout.cell(), "640 / 100");
        assertEquals(layout.width(), image.getWidth());
        assertEquals(layout.height(), image.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left");
        }
    }
}
