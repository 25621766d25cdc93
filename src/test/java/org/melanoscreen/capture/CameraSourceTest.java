package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;
import org.opencv.videoio.VideoWriter;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CameraSourceTest {
    private static final String DEVICE = "/dev/dermatoscope";

    private final FakeVideoDevice device = new FakeVideoDevice();
    private final FakeTicker ticker = new FakeTicker();

    private CameraSource source(int warmup, int readFailures, int frozenFrames) {
        CameraSettings settings = CameraSettings.defaults(DEVICE).withWarmup(warmup)
                .withLossDetection(readFailures, frozenFrames).withBackoff(100, 400);
        return new CameraSource(settings, device, ticker);
    }

    /** The sequence number the fake device wrote into the frame. */
    private static int sequence(Frame frame) {
        return frame.rgbBytes()[0] & 0xFF;
    }

    private static int grabSequence(CameraSource source) throws CaptureException {
        try (Frame frame = source.grab()) {
            return sequence(frame);
        }
    }

    @Test
    void warmupFramesAreDiscardedAndFramesAreRgb() throws Exception {
        try (CameraSource source = source(5, 3, 0); Frame frame = source.grab()) {
            assertEquals(6, sequence(frame), "the 5 warm-up frames are not delivered");
            byte[] rgb = frame.rgbBytes();
            assertEquals(30, rgb[3]);
            assertEquals(20, rgb[4]);
            assertEquals(10, rgb[5]);
            assertEquals(DEVICE, frame.source().substring("camera ".length()));
            assertTrue(source.describe().contains("delivering 64x48 MJPG"), source.describe());
        }
    }

    @Test
    void singleFailedReadsBelowTheLimitAreAbsorbed() throws Exception {
        try (CameraSource source = source(0, 3, 0)) {
            assertEquals(1, grabSequence(source));
            device.script.addAll(List.of(FakeVideoDevice.Read.FAIL, FakeVideoDevice.Read.FAIL));
            assertEquals(2, grabSequence(source));
            assertEquals(1, device.opens);
        }
    }

    @Test
    void lostCameraIsReconnectedAfterBackoff() throws Exception {
        try (CameraSource source = source(2, 3, 0)) {
            assertEquals(3, grabSequence(source));
            assertEquals(4, grabSequence(source));

            device.plugged = false;
            CaptureException lost = assertThrows(CaptureException.class, source::grab);
            assertEquals("camera " + DEVICE + ": lost (3 failed reads in a row: unplugged, or a USB error)",
                    lost.getMessage());
            assertFalse(device.open, "a lost device is released");
            assertTrue(source.describe().contains("down: lost"), source.describe());

            CaptureException down = assertThrows(CaptureException.class, source::grab);
            assertTrue(down.getMessage().startsWith("camera " + DEVICE + ": no such device"), down.getMessage());
            assertThrows(CaptureException.class, source::grab);
            assertEquals(List.of(100L, 200L), ticker.sleeps, "exponential back-off between attempts");

            device.plugged = true;
            assertEquals(7, grabSequence(source), "reconnected, 2 warm-up frames discarded again");
            assertEquals(List.of(100L, 200L, 400L), ticker.sleeps);
            assertEquals(8, grabSequence(source));

            device.plugged = false;
            assertThrows(CaptureException.class, source::grab);
            device.plugged = true;
            grabSequence(source);
            assertEquals(List.of(100L, 200L, 400L, 100L), ticker.sleeps, "back-off starts again after recovery");
        }
    }

    @Test
    void noSleepWhenTheBackoffHasAlreadyPassed() throws Exception {
        try (CameraSource source = source(0, 1, 0)) {
            grabSequence(source);
            device.script.add(FakeVideoDevice.Read.FAIL);
            assertThrows(CaptureException.class, source::grab);
            ticker.advance(1000);
            grabSequence(source);
            assertTrue(ticker.sleeps.isEmpty(), "the caller was busy for longer than the back-off");
        }
    }

    @Test
    void frozenFramesCountAsLoss() throws Exception {
        try (CameraSource source = source(0, 3, 3)) {
            assertEquals(1, grabSequence(source));
            device.script.addAll(List.of(FakeVideoDevice.Read.REPEAT, FakeVideoDevice.Read.REPEAT,
                    FakeVideoDevice.Read.REPEAT));
            assertEquals(1, grabSequence(source), "a repeated frame below the limit is still delivered");
            assertEquals(1, grabSequence(source));
            CaptureException e = assertThrows(CaptureException.class, source::grab);
            assertEquals("camera " + DEVICE + ": lost (frozen: 4 identical frames in a row)", e.getMessage());
            assertEquals(2, grabSequence(source), "reopened after the back-off");
            assertEquals(2, device.opens);
            assertEquals(List.of(100L), ticker.sleeps);
        }
    }

    @Test
    void identicalBlackFramesAreNotFrozen() throws Exception {
        try (CameraSource source = source(0, 3, 3)) {
            for (int i = 0; i < 10; i++) {
                device.script.add(FakeVideoDevice.Read.BLACK);
                source.grab().close();
            }
            assertEquals(1, device.opens, "a capped lens is not a lost camera");
        }
    }

    @Test
    void deviceThatNeverOpensGivesClearErrorsWithCappedBackoff() {
        device.plugged = false;
        try (CameraSource source = source(0, 3, 0)) {
            for (int i = 0; i < 5; i++) {
                CaptureException e = assertThrows(CaptureException.class, source::grab);
                assertTrue(e.getMessage().contains(DEVICE), e.getMessage());
            }
            assertEquals(List.of(100L, 200L, 400L, 400L), ticker.sleeps);
            assertEquals(5, device.opens);
            assertTrue(source.describe().contains("down: no such device"), source.describe());
        }
    }

    @Test
    void missingRealDeviceIsReportedByName() {
        CameraSettings settings = CameraSettings.defaults("/dev/video99");
        try (CameraSource source = new CameraSource(settings)) {
            CaptureException e = assertThrows(CaptureException.class, source::grab);
            assertTrue(e.getMessage().startsWith("camera /dev/video99: no such device"), e.getMessage());
        }
        try (CameraSource source = new CameraSource(CameraSettings.defaults("99"))) {
            CaptureException e = assertThrows(CaptureException.class, source::grab);
            assertTrue(e.getMessage().startsWith("camera 99: no such device (/dev/video99"), e.getMessage());
        }
    }

    @Test
    void closedSourceDoesNotReopenTheDevice() throws Exception {
        CameraSource source = source(0, 3, 0);
        source.grab().close();
        source.close();
        assertFalse(device.open);
        assertThrows(IllegalStateException.class, source::grab);
        assertEquals(1, device.opens);
    }

    @Test
    void fourccMatchesOpenCv() {
        assertEquals(VideoWriter.fourcc('M', 'J', 'P', 'G'), PixelFormat.MJPG.fourcc());
        assertEquals(VideoWriter.fourcc('Y', 'U', 'Y', 'V'), PixelFormat.YUYV.fourcc());
        assertEquals("MJPG", PixelFormat.name(PixelFormat.MJPG.fourcc()));
    }

    @Test
    void settingsAreValidatedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CameraSettings.defaults("video0"));
        assertTrue(e.getMessage().contains("'video0' is neither an absolute path"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CameraSettings.defaults("/dev/video0").withMode(0, 480, 30, PixelFormat.MJPG));
        assertEquals("camera /dev/video0: width is 0; it must be 16..10000", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CameraSettings.defaults("0").withBackoff(1000, 10));
        assertTrue(e.getMessage().contains("maximum back-off (ms) is 10"), e.getMessage());
        assertEquals("/dev/video2", CameraSettings.defaults("2").devicePath());
    }
}
