package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.imaging.SyntheticLesion;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAheadTest {
    private final ImageDecoder decoder = new ImageDecoder();

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) throws Exception {
        return ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, hairRemoval, true));
    }

    /** JPEGs and PNGs of synthetic lesions with hairs, of different sizes. */
    private static List<Path> files(Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SyntheticLesion lesion = SyntheticLesion.generate(
                    SyntheticLesion.Spec.defaults(200 + 8 * i, 150, 40 + i).withHairs(6));
            Path file = dir.resolve("lesion" + i + (i % 2 == 0 ? ".jpg" : ".png"));
            try (Frame frame = lesion.toFrame("lesion")) {
                Files.write(file, TestImages.encode(frame, i % 2 == 0 ? ".jpg" : ".png"));
            }
            files.add(file);
        }
        return files;
    }

    private static void assertSameResult(ScreeningResult expected, ScreeningResult actual) {
        assertEquals(expected.risk(), actual.risk());
        assertEquals(expected.reasons(), actual.reasons());
        assertEquals(expected.melanomaProbability(), actual.melanomaProbability());
        assertArrayEquals(expected.mask().pixels(), actual.mask().pixels());
        assertEquals(expected.quality(), actual.quality());
        assertArrayEquals(expected.region(), actual.region());
    }

    @Test
    void framesComeInOrderAndScreenAsEachFileOnItsOwn(@TempDir Path dir) throws Exception {
        List<Path> files = files(dir);
        for (boolean hairRemoval : new boolean[]{false, true}) {
            try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
                 ScreeningPipeline pipeline = pipeline(models, hairRemoval);
                 ReadAhead frames = pipeline.readAhead(files)) {
                for (Path file : files) {
                    assertTrue(frames.hasNext());
                    Map<String, Double> ms;
                    try (PreparedFrame prepared = frames.next(); Frame direct = decoder.decode(file)) {
                        assertEquals(file.toString(), prepared.original().source());
                        assertArrayEquals(direct.rgbBytes(), prepared.original().rgbBytes(), file.toString());
                        if (hairRemoval) {
                            assertNotSame(prepared.original(), prepared.screened());
                            assertFalse(Arrays.equals(direct.rgbBytes(), prepared.screened().rgbBytes()));
                        } else {
                            assertSame(prepared.original(), prepared.screened());
                        }
                        ScreeningResult result = pipeline.screen(prepared);
                        assertSameResult(pipeline.screen(direct), result);
                        ms = result.timingsMs();
                    }
                    assertTrue(ms.get(StageTimings.DECODE) > 0, ms.toString());
                    assertEquals(hairRemoval, ms.containsKey(StageTimings.HAIR_REMOVAL), ms.toString());
                }
                assertFalse(frames.hasNext());
                assertThrows(NoSuchElementException.class, () -> frames.next());
            }
        }
    }

    @Test
    void aFileThatCannotBeDecodedComesOutAsItsErrorAndTheNextFollows(@TempDir Path dir) throws Exception {
        List<Path> files = files(dir);
        byte[] jpeg = Files.readAllBytes(files.get(2));
        Files.write(files.get(2), Arrays.copyOf(jpeg, jpeg.length / 2));
        Path missing = dir.resolve("missing.jpg");
        files.add(3, missing);
        List<String> outcomes = new ArrayList<>();
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models, false);
             ReadAhead frames = pipeline.readAhead(files)) {
            for (Path file : files) {
                try (PreparedFrame frame = frames.next()) {
                    outcomes.add("ok " + frame.original().source());
                } catch (ImageException e) {
                    outcomes.add("error " + e.getMessage());
                }
            }
        }
        assertEquals(6, outcomes.size());
        assertTrue(outcomes.get(2).startsWith("error " + files.get(2) + ": truncated JPEG"), outcomes.get(2));
        assertEquals("error " + missing + ": no such file", outcomes.get(3));
        for (int i : new int[]{0, 1, 4, 5}) {
            assertEquals("ok " + files.get(i), outcomes.get(i));
        }
    }

    @Test
    void closingEarlyDropsTheFilePreparedAheadEvenWhenItFailed(@TempDir Path dir) throws Exception {
        List<Path> good = files(dir);
        List<Path> files = List.of(good.get(0), dir.resolve("missing.jpg"), good.get(1));
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models, false)) {
            try (ReadAhead frames = pipeline.readAhead(files)) {
                frames.next().close();
                assertTrue(frames.hasNext());
            }
            try (ReadAhead frames = pipeline.readAhead(files)) {
                frames.next().close();
                assertThrows(ImageException.class, () -> frames.next());
                frames.next().close();
            }
        }
    }
}
