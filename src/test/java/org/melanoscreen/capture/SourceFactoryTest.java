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

class SourceFactoryTest {
    @TempDir
    Path dir;

    private static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> SourceFactory.open(spec)).getMessage();
    }

    @Test
    void cameraSpecificationsWithOptions() throws Exception {
        assertEquals(CameraSettings.defaults("/dev/video0"), SourceFactory.cameraSettings("camera:/dev/video0"));
        CameraSettings s = SourceFactory.cameraSettings(
                "camera:0?width=640&height=480&fps=15&format=yuyv&warmup=3&read-failures=2&frozen-frames=0"
                        + "&backoff-ms=250&backoff-max-ms=4000");
        assertEquals(new CameraSettings("0", 640, 480, 15, PixelFormat.YUYV, 3, 2, 0, 250, 4000), s);
        try (FrameSource camera = SourceFactory.open("camera:/dev/dermatoscope")) {
            assertInstanceOf(CameraSource.class, camera);
            assertTrue(camera.describe().startsWith("camera /dev/dermatoscope (requested 1280x720 MJPG 30 fps"),
                    camera.describe());
        }
    }

    @Test
    void folderSpecification() throws Exception {
        try (Frame f = TestImages.lesion(64, 48, 1).toFrame("x")) {
            Files.write(dir.resolve("a.png"), TestImages.encode(f, ".png"));
        }
        try (FrameSource folder = SourceFactory.open("folder:" + dir + "?loop=true")) {
            for (int i = 0; i < 3; i++) {
                folder.grab().close();
            }
            assertEquals("folder " + dir + " (1 images, looping)", folder.describe());
        }
        assertEquals("frame source 'folder:" + dir.resolve("missing") + "': " + dir.resolve("missing")
                + " is not a folder (or it does not exist)", error("folder:" + dir.resolve("missing")));
        Path empty = dir.resolve("empty");
        assertTrue(empty.toFile().mkdir());
        CaptureException e = assertThrows(CaptureException.class, () -> SourceFactory.parse("folder:" + empty).open());
        assertEquals("put .jpg or .png images into " + empty, e.remedy());
    }

    @Test
    void simulatedSpecifications() throws Exception {
        try (FrameSource sim = SourceFactory.open("simulated")) {
            assertEquals("simulated dermatoscope 640x480 at 12.0 fps, seed 1", sim.describe());
        }
        try (FrameSource sim = SourceFactory.open("simulated:7")) {
            assertTrue(sim.describe().endsWith("seed 7"), sim.describe());
        }
        try (FrameSource sim = SourceFactory.open("simulated?seed=9&width=160&height=120&fps=7.5")) {
            assertEquals("simulated dermatoscope 160x120 at 7.5 fps, seed 9", sim.describe());
            try (Frame f = sim.grab()) {
                assertEquals(160, f.width());
            }
        }
    }

    @Test
    void mistakesAreExplained() {
        assertEquals("frame source is empty: use camera:DEVICE, folder:PATH or simulated", error(" "));
        assertEquals("frame source 'webcam:0': unknown kind 'webcam'; use camera:, folder: or simulated",
                error("webcam:0"));
        assertEquals("frame source 'camera:': needs a device, as in camera:/dev/video0 or camera:0", error("camera:"));
        assertTrue(error("camera:video0").startsWith("frame source 'camera:video0': camera device 'video0' is neither"));
        assertTrue(error("camera:0?widht=640").contains("unknown option 'widht' for camera; known: backoff-max-ms"));
        assertEquals("frame source 'camera:0?width=wide': width 'wide' is not a whole number",
                error("camera:0?width=wide"));
        assertEquals("frame source 'camera:0?width=8': camera 0: width is 8; it must be 16..10000",
                error("camera:0?width=8"));
        assertEquals("frame source 'camera:0?format=h264': format 'h264' is not MJPG, YUYV or ANY",
                error("camera:0?format=h264"));
        assertEquals("frame source 'folder:/x?loop=maybe': loop 'maybe' is not true or false",
                error("folder:/x?loop=maybe"));
        assertEquals("frame source 'simulated:3?seed=4': give the seed once, as simulated:SEED or simulated?seed=SEED",
                error("simulated:3?seed=4"));
        assertEquals("frame source 'camera:0?fps': option 'fps' is not key=value", error("camera:0?fps"));
        assertEquals("frame source 'simulated?unplug_after=-1': simulated dermatoscope: fault counts must not be "
                + "negative", error("simulated?unplug_after=-1"));
        assertEquals("frame source 'simulated?freeze-after=5&frozen-frames=0': simulated dermatoscope: "
                + "frozen-frames 0 must be at least 1", error("simulated?freeze-after=5&frozen-frames=0"));
        assertTrue(error("simulated?unplug=3").contains("unknown option 'unplug' for simulated; known: fail-every, "
                + "fps, freeze-after"));
    }
}
