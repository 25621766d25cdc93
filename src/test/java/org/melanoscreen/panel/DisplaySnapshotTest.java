package org.melanoscreen.panel;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.workflow.Fault;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every display screen against a PNG checked in under src/test/resources/display-snapshots, as PngDisplay writes
 * it (4x). A rendering change fails here; after looking at the new images, regenerate them with
 * {@code mvn test -Dtest=DisplaySnapshotTest -Dsnapshots.update=true} and commit them.
 */
class DisplaySnapshotTest {
    private static final Path SOURCE = Path.of("src/test/resources/display-snapshots");

    static Map<String, DisplayScreen> screens() {
        Map<String, DisplayScreen> s = new LinkedHashMap<>();
        s.put("ready", new DisplayScreen.Ready("melanoscreen-07", "lesion-seg-mnv2-unet melanoma-cls-mnv2"));
        s.put("busy", new DisplayScreen.Busy("Analysing", "analysing 5 frames", 2, 3));
        s.put("result-low", new DisplayScreen.Result(Risk.LOW, 0.12f, 0.30, "4.8 mm"));
        s.put("result-low-near-threshold", new DisplayScreen.Result(Risk.LOW, 0.1456f, 0.146, "5.1 mm"));
        s.put("result-refer", new DisplayScreen.Result(Risk.REFER, 0.71f, 0.30, "7.4 mm"));
        s.put("result-retake", new DisplayScreen.Result(Risk.RETAKE, 0.22f, 0.30, "212 px"));
        s.put("retake", new DisplayScreen.Retake(List.of("out of focus (sharpness 0.092)",
                "lesion not centred (31% of the diagonal off centre)")));
        s.put("fault", new DisplayScreen.Fault(Fault.NO_CAMERA.label(), Fault.NO_CAMERA.action()));
        return s;
    }

    @TestFactory
    Stream<DynamicTest> everyScreenAtBothHeightsMatchesItsSnapshot() {
        return Stream.of(64, 32).flatMap(height -> screens().entrySet().stream().map(e -> {
            String name = e.getKey() + "-" + height;
            return DynamicTest.dynamicTest(name, () -> check(name, new ScreenRenderer(height).render(e.getValue())));
        }));
    }

    private static void check(String name, MonoFrame frame) throws IOException {
        BufferedImage actual = frame.toImage(PngDisplay.SCALE);
        if (Boolean.getBoolean("snapshots.update")) {
            Files.createDirectories(SOURCE);
            ImageIO.write(actual, "png", SOURCE.resolve(name + ".png").toFile());
            return;
        }
        BufferedImage expected;
        try (InputStream in = DisplaySnapshotTest.class.getResourceAsStream("/display-snapshots/" + name + ".png")) {
            assertNotNull(in, name + ".png: no snapshot; generate with -Dsnapshots.update=true, look, commit");
            expected = ImageIO.read(in);
        }
        assertEquals(expected.getWidth() + "x" + expected.getHeight(), actual.getWidth() + "x" + actual.getHeight(),
                name + ": size");
        int differing = 0;
        String first = null;
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                if ((expected.getRGB(x, y) & 0xFFFFFF) != (actual.getRGB(x, y) & 0xFFFFFF)) {
                    differing++;
                    if (first == null) {
                        first = "(" + x / PngDisplay.SCALE + ", " + y / PngDisplay.SCALE + ")";
                    }
                }
            }
        }
        assertEquals(0, differing, name + ": rendering differs from the snapshot, first at display pixel " + first);
    }
}
