package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class V4l2FormatsTest {
    static final String CURRENT = """
            ioctl: VIDIOC_ENUM_FMT
            \tType: Video Capture

            \t[0]: 'MJPG' (Motion-JPEG, compressed)
            \t\tSize: Discrete 1280x720
            \t\t\tInterval: Discrete 0.033s (30.000 fps)
            \t\t\tInterval: Discrete 0.067s (15.000 fps)
            \t\tSize: Discrete 640x480
            \t\t\tInterval: Discrete 0.033s (30.000 fps)
            \t[1]: 'YUYV' (YUYV 4:2:2)
            \t\tSize: Discrete 640x480
            \t\t\tInterval: Discrete 0.133s (7.500 fps)
            \t\tSize: Stepwise 16x16 - 1920x1080 with step 1/1
            \t\t\tInterval: Stepwise 0.033s - 1.000s with step 0.000s (1.000-30.000 fps)
            """;

    static final String OLD = """
            ioctl: VIDIOC_ENUM_FMT
            \tIndex       : 0
            \tType        : Video Capture
            \tPixel Format: 'MJPG' (compressed)
            \tName        : Motion-JPEG
            \t\tSize: Discrete 1600x1200
            \t\t\tInterval: Discrete 0.067s (15.000 fps)
            """;

    @Test
    void parsesCurrentAndOldOutput() {
        assertEquals(List.of("MJPG: 1280x720 (30, 15 fps), 640x480 (30 fps)",
                "YUYV: 640x480 (7.5 fps), 16x16-1920x1080 (1-30 fps)"), V4l2Formats.parse(CURRENT));
        assertEquals(List.of("MJPG: 1600x1200 (15 fps)"), V4l2Formats.parse(OLD));
        assertEquals(List.of(), V4l2Formats.parse("ioctl: VIDIOC_ENUM_FMT\n\tType: Video Capture\n"));
    }

    @Test
    void runsTheToolAndReportsItsFailure(@TempDir Path dir) throws IOException {
        Path output = Files.writeString(dir.resolve("out.txt"), CURRENT);
        Path tool = script(dir.resolve("v4l2-ctl"), "cat '" + output + "'\n");
        assertEquals(2, V4l2Formats.query(tool, "/dev/video0").size());
        Path failing = script(dir.resolve("failing"), "echo 'Cannot open device /dev/video9'; exit 1\n");
        IOException e = assertThrows(IOException.class, () -> V4l2Formats.query(failing, "/dev/video9"));
        assertEquals("v4l2-ctl failed: Cannot open device /dev/video9", e.getMessage());
    }

    private static Path script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(Files.isExecutable(file));
        return file;
    }
}
