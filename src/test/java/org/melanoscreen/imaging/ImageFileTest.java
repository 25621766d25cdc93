package org.melanoscreen.imaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageFileTest {
    @TempDir
    Path dir;

    @Test
    void oneNameRuleForImages() {
        assertTrue(ImageFile.hasImageName(Path.of("a/b.JPG")));
        assertTrue(ImageFile.hasImageName(Path.of("b.jpeg")));
        assertTrue(ImageFile.hasImageName(Path.of("b.Png")));
        assertFalse(ImageFile.hasImageName(Path.of("b.jpg.txt")));
        assertFalse(ImageFile.hasImageName(Path.of("b.gif")));
        assertFalse(ImageFile.hasImageName(Path.of("/")));
    }

    @Test
    void readsARegularFileWithinTheBound() throws Exception {
        Path f = Files.write(dir.resolve("a.jpg"), new byte[]{1, 2, 3});
        assertArrayEquals(new byte[]{1, 2, 3}, ImageFile.read(f, 3));
        ImageException tooLarge = assertThrows(ImageException.class, () -> ImageFile.read(f, 2));
        assertTrue(tooLarge.getMessage().startsWith(f + ": file is larger than the limit"), tooLarge.getMessage());
    }

    @Test
    @Timeout(10)
    void refusesADeviceThatNeverEndsWithoutReadingIt() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        ImageException e = assertThrows(ImageException.class, () -> ImageFile.read(zero, 1024));
        assertEquals("/dev/zero: not a regular file (a FIFO, device or socket); not read", e.getMessage());
    }

    @Test
    @Timeout(10)
    void refusesAFifoWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.jpg");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        ImageException e = assertThrows(ImageException.class, () -> new ImageDecoder().decode(fifo));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void refusesAFolderAndAMissingFile() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub.png"));
        assertTrue(assertThrows(ImageException.class, () -> ImageFile.read(sub, 10)).getMessage()
                .contains("not a regular file (a folder)"));
        assertEquals(dir.resolve("none.png") + ": no such file", assertThrows(ImageException.class,
                () -> ImageFile.read(dir.resolve("none.png"), 10)).getMessage());
    }
}
