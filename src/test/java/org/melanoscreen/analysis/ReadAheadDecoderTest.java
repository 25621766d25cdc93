package org.melanoscreen.analysis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.imaging.TestImages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAheadDecoderTest {
    private final ExecutorService secondThread = Executors.newSingleThreadExecutor();
    private final ImageDecoder decoder = new ImageDecoder();

    @AfterEach
    void stop() {
        secondThread.shutdownNow();
    }

    private static List<Path> files(Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path file = dir.resolve("lesion" + i + (i % 2 == 0 ? ".jpg" : ".png"));
            Files.write(file, i % 2 == 0 ? TestImages.syntheticJpeg(200 + 8 * i, 150, i)
                    : TestImages.encode(TestImages.lesion(200 + 8 * i, 150, i).toFrame("lesion"), ".png"));
            files.add(file);
        }
        return files;
    }

    @Test
    void framesComeInOrderEqualToDecodingEachFile(@TempDir Path dir) throws Exception {
        List<Path> files = files(dir);
        try (ReadAheadDecoder frames = new ReadAheadDecoder(decoder, files, secondThread)) {
            for (Path file : files) {
                assertTrue(frames.hasNext());
                StageTimings timings = new StageTimings();
                try (Frame ahead = frames.next(timings); Frame direct = decoder.decode(file)) {
                    assertEquals(file.toString(), ahead.source());
                    assertArrayEquals(direct.rgbBytes(), ahead.rgbBytes(), file.toString());
                }
                assertTrue(timings.millis().get(StageTimings.DECODE) > 0, timings.millis().toString());
            }
            assertFalse(frames.hasNext());
            assertThrows(NoSuchElementException.class, () -> frames.next(new StageTimings()));
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
        try (ReadAheadDecoder frames = new ReadAheadDecoder(decoder, files, secondThread)) {
            for (Path file : files) {
                try (Frame frame = frames.next(new StageTimings())) {
                    outcomes.add("ok " + frame.source());
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
    void closingEarlyDropsTheFileDecodedAheadEvenWhenItFailed(@TempDir Path dir) throws Exception {
        List<Path> files = List.of(files(dir).get(0), dir.resolve("missing.jpg"), files(dir).get(1));
        try (ReadAheadDecoder frames = new ReadAheadDecoder(decoder, files, secondThread)) {
            frames.next(new StageTimings()).close();
            assertTrue(frames.hasNext());
        }
        try (ReadAheadDecoder frames = new ReadAheadDecoder(decoder, files, secondThread)) {
            frames.next(new StageTimings()).close();
            assertThrows(ImageException.class, () -> frames.next(new StageTimings()));
            frames.next(new StageTimings()).close();
        }
    }
}
