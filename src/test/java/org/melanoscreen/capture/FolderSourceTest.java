package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FolderSourceTest {
    @TempDir
    Path dir;

    /** Writes an image whose width identifies it. */
    private void image(String name, int width) throws Exception {
        try (Frame f = TestImages.lesion(width, 48, width).toFrame(name)) {
            Files.write(dir.resolve(name), TestImages.encode(f, name.endsWith(".png") ? ".png" : ".jpg"));
        }
    }

    private static int nextWidth(FrameSource source) throws CaptureException {
        try (Frame f = source.grab()) {
            return f.width();
        }
    }

    @Test
    void deliversImagesInNameOrderAndStops() throws Exception {
        image("b.png", 72);
        image("a.jpg", 64);
        image("c.PNG", 80);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        try (FolderSource source = FolderSource.open(dir, false)) {
            assertEquals(64, nextWidth(source));
            assertEquals(72, nextWidth(source));
            assertEquals(80, nextWidth(source));
            CaptureException end = assertThrows(CaptureException.class, source::grab);
            assertInstanceOf(SourceExhaustedException.class, end);
            assertTrue(end.getMessage().contains("all 3 images delivered"), end.getMessage());
            assertTrue(source.describe().contains("3 images, 1 entry skipped, see the log"), source.describe());
        }
    }

    @Test
    void loopsWhenAsked() throws Exception {
        image("1.png", 64);
        image("2.png", 72);
        try (FolderSource source = FolderSource.open(dir, true)) {
            for (int round = 0; round < 3; round++) {
                assertEquals(64, nextWidth(source));
                assertEquals(72, nextWidth(source));
            }
        }
    }

    @Test
    void badFileIsNamedAndSkipped() throws Exception {
        image("1.png", 64);
        Files.write(dir.resolve("2.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        image("3.png", 80);
        try (FolderSource source = FolderSource.open(dir, false)) {
            assertEquals(64, nextWidth(source));
            CaptureException e = assertThrows(CaptureException.class, source::grab);
            assertTrue(e.getMessage().startsWith(dir.resolve("2.jpg") + ": "), e.getMessage());
            assertEquals(80, nextWidth(source));
        }
    }

    @Test
    void missingOrEmptyFolderIsAClearError() {
        CaptureException missing = assertThrows(CaptureException.class,
                () -> FolderSource.open(dir.resolve("nope"), true));
        assertEquals("folder " + dir.resolve("nope") + ": not a folder (or it does not exist)", missing.getMessage());
        CaptureException empty = assertThrows(CaptureException.class, () -> FolderSource.open(dir, true));
        assertEquals("folder " + dir + ": no .jpg, .jpeg or .png files", empty.getMessage());
    }
}
