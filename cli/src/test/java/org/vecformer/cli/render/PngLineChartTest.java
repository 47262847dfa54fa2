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
    }
}
