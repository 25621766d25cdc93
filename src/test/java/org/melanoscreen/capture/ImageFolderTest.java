package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageFolderTest {
    @TempDir
    Path dir;

    @Test
    void listsImagesInNameOrderAndNamesEveryEntryLeftOutWithItsReason() throws Exception {
        Files.write(dir.resolve("b.png"), new byte[]{1});
        Files.write(dir.resolve("a.JPG"), new byte[]{1});
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("loop.jpg"), dir.resolve("loop.jpg"));
        assumeTrue(new ProcessBuilder("mkfifo", dir.resolve("pipe.png").toString()).start().waitFor() == 0);

        ImageFolder listing = ImageFolder.list(dir);

        assertEquals(List.of(dir.resolve("a.JPG"), dir.resolve("b.png")), listing.images());
        Map<String, ImageFolder.Skipped> skipped = listing.skipped().stream()
                .collect(Collectors.toMap(s -> s.entry().getFileName().toString(), s -> s));
        assertEquals(Map.of("notes.txt", false, "sub", false, "loop.jpg", true, "pipe.png", true),
                skipped.values().stream().collect(Collectors.toMap(s -> s.entry().getFileName().toString(),
                        ImageFolder.Skipped::unusableImage)));
        assertEquals("a subfolder, not searched", skipped.get("sub").reason());
        assertEquals("a FIFO, device or socket, not read", skipped.get("pipe.png").reason());
        assertTrue(skipped.get("loop.jpg").reason().startsWith("a link that cannot be followed"),
                skipped.get("loop.jpg").reason());
        assertEquals(dir + ": skipped 2 entries that are not images: notes.txt (not a .jpg, .jpeg or .png name), "
                + "sub (a subfolder, not searched)", listing.otherEntriesLine());
    }

    @Test
    void aFolderOfImagesOnlyHasNothingToReport() throws Exception {
        Files.write(dir.resolve("a.png"), new byte[]{1});
        assertEquals(null, ImageFolder.list(dir).otherEntriesLine());
        assertTrue(ImageFolder.list(dir).skipped().isEmpty());
    }
}
