package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CameraCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new CameraCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void listWithNoDevices() {
        assertEquals(0, run("list", "--sysfs", dir.resolve("video4linux").toString()));
        assertTrue(out.toString().startsWith("no video devices found"), out.toString());
    }

    @Test
    void listShowsNamesNumbersAndUdevLinks() throws Exception {
        Path sysfs = Files.createDirectories(dir.resolve("sys"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        for (int n : new int[]{10, 0, 1}) {
            Path d = Files.createDirectories(sysfs.resolve("video" + n));
            Files.writeString(d.resolve("name"), "Dermlite USB " + n + "\n");
            Files.writeString(d.resolve("dev"), "81:" + n + "\n");
            Files.writeString(d.resolve("index"), (n % 2) + "\n");
        }
        Path byId = Files.createDirectories(dev.resolve("v4l/by-id"));
        Files.createSymbolicLink(byId.resolve("usb-Dermlite-video-index0"), Path.of("../../video0"));
        assertEquals(0, run("list", "--sysfs", sysfs.toString(), "--dev", dev.toString()));
        String text = out.toString();
        assertTrue(text.startsWith(dev.resolve("video0") + "  Dermlite USB 0  (device 81:0, index 0)"), text);
        assertTrue(text.contains("    link: " + byId.resolve("usb-Dermlite-video-index0")), text);
        assertTrue(text.indexOf("video1 ") < text.indexOf("video10 "), "number order: " + text);
        assertTrue(text.contains("formats:") || text.contains("MJPG"), text);
    }

    @Test
    void probeOfMissingDeviceFailsClearly() {
        assertEquals(Main.EXIT_SETUP, run("probe", "/dev/video99", "--frames", "5"));
        assertTrue(err.toString().startsWith("error: camera /dev/video99: no such device"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void probeRejectsBadSettings() {
        assertEquals(Main.EXIT_SETUP, run("probe", "video0"));
        assertTrue(err.toString().contains("'video0' is neither an absolute path"), err.toString());
    }

    @Test
    void cameraWithoutSubcommandShowsUsage() {
        assertEquals(Main.EXIT_SETUP, run());
        assertTrue(err.toString().contains("probe"), err.toString());
    }
}
