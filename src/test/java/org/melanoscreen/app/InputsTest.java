package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.TinyModels;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputsTest {
    @TempDir
    Path dir;

    private void image(String name) throws Exception {
        try (Frame f = TestImages.lesion(160, 120, 1).toFrame(name)) {
            Files.write(dir.resolve(name), TestImages.encode(f, ".png"));
        }
    }

    @Test
    void aFolderReportsItsUnusableImagesAsErrorsAndOtherEntriesAsOneNote() throws Exception {
        image("a.png");
        Files.writeString(dir.resolve("readme.txt"), "x");
        Files.createSymbolicLink(dir.resolve("loop.png"), dir.resolve("loop.png"));

        Inputs inputs = Inputs.expand(List.of(dir.toString(), "named.jpg"));

        assertEquals(List.of(dir.resolve("a.png"), Path.of("named.jpg")), inputs.files());
        assertEquals(1, inputs.problems().size());
        assertTrue(inputs.problems().get(0).message().startsWith(dir.resolve("loop.png")
                + ": a link that cannot be followed"), inputs.problems().get(0).message());
        assertEquals(List.of(dir + ": skipped 1 entry that is not an image: readme.txt (not a .jpg, .jpeg or .png "
                + "name)"), inputs.notes());
    }

    /**
     * Under LANG=C a UTF-8 file name cannot be turned into a Java path string and back: the folder's other
     * images are still screened and that one file is one error line, not a stack trace that ends the batch.
     */
    @Test
    @Timeout(120)
    void aFileNameTheLocaleCannotNameIsOneErrorUnderLangC() throws Exception {
        image("a.png");
        image("z.png");
        Process cp = new ProcessBuilder("sh", "-c", "cp a.png \"$(printf 'l\\303\\244sion.png')\"")
                .directory(dir.toFile()).start();
        assertEquals(0, cp.waitFor());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Dsun.jnu.encoding=ANSI_X3.4-1968",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "screen",
                "--models", TinyModels.SEG + "," + TinyModels.CLS, dir.toString());
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("LANG", "C");
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process child = pb.start();
        assertTrue(child.waitFor(100, TimeUnit.SECONDS), "the child JVM did not finish");
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.ISO_8859_1);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.ISO_8859_1);

        assertEquals(1, child.exitValue(), out + err);
        assertTrue(out.contains("\na.png ") && out.contains("\nz.png "), out);
        List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).contains("sion.png: its name cannot be represented in this system's character set"),
                errors.get(0));
        assertFalse(err.contains("Exception"), err);
        assertTrue(err.contains("3 image(s), 1 failed"), err);
    }
}
