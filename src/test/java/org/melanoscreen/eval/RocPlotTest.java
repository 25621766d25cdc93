package org.melanoscreen.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RocPlotTest {
    private static int dark(BufferedImage image, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                n += (image.getRGB(x, y) & 0xFF) < 128 ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void bothAxesAreNumbered(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("roc.png");
        RocPlot.write(file, new double[][]{{0, 0.2, 1}, {0, 0.8, 1}}, 0.8, new double[]{0.7, 0.9}, 0.8, 0.8, "t");
        BufferedImage image = ImageIO.read(file.toFile());
        int plot = RocPlot.SIZE - 2 * RocPlot.MARGIN;
        int bottom = RocPlot.MARGIN + plot;
        for (int i = 0; i <= 10; i += 2) {
            int x = RocPlot.MARGIN + i * plot / 10;
            assertTrue(dark(image, x - 10, bottom + 6, x + 10, bottom + 18) > 10, "x axis number at " + i / 10.0);
            int y = bottom - i * plot / 10;
            assertTrue(dark(image, RocPlot.MARGIN - 28, y - 6, RocPlot.MARGIN - 5, y + 6) > 10,
                    "y axis number at " + i / 10.0);
        }
    }
}
