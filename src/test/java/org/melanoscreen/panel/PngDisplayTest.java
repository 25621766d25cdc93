package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.Risk;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PngDisplayTest {

    @Test
    void everyFrameIsAnImageAndCurrentIsTheLatest(@TempDir Path dir) throws Exception {
        Path frames = dir.resolve("frames");
        PngDisplay display = new PngDisplay(frames, new ScreenRenderer(64));
        display.show(new DisplayScreen.Ready("dev-1", "m"));
        display.show(new DisplayScreen.Result(Risk.REFER, 0.71f, 0.30, "7.4 mm"));
        try (Stream<Path> files = Files.list(frames)) {
            assertEquals(List.of("000001-ready.png", "000002-result-refer.png", "current.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        BufferedImage current = ImageIO.read(frames.resolve("current.png").toFile());
        assertEquals(512, current.getWidth());
        assertEquals(256, current.getHeight());
        MonoFrame expected = new ScreenRenderer(64).render(new DisplayScreen.Result(Risk.REFER, 0.71f, 0.30, "7.4 mm"));
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 128; x++) {
                assertEquals(expected.lit(x, y), (current.getRGB(x * 4 + 2, y * 4 + 2) & 0xFFFFFF) != 0,
                        "pixel " + x + "," + y);
            }
        }
    }
}
