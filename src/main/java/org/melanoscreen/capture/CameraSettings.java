package org.melanoscreen.capture;

import java.util.regex.Pattern;

/**
 * How to open and watch a USB dermatoscope.
 *
 * @param device           a device path ({@code /dev/video0}, or a udev symlink such as {@code /dev/dermatoscope})
 *                         or a V4L2 index ({@code "0"})
 * @param warmupFrames     frames discarded after opening while auto-exposure and white balance settle
 * @param readFailureLimit consecutive failed reads after which the camera counts as lost
 * @param frozenFrameLimit consecutive identical frames after which the camera counts as lost (0: never)
 * @param backoffInitialMs wait before the first reconnection attempt; doubled after each failed attempt
 * @param backoffMaxMs     the longest wait between reconnection attempts
 */
public record CameraSettings(String device, int width, int height, int fps, PixelFormat format, int warmupFrames,
                             int readFailureLimit, int frozenFrameLimit, long backoffInitialMs, long backoffMaxMs) {
    private static final Pattern INDEX = Pattern.compile("\\d{1,3}");

    public CameraSettings {
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("camera device is empty: give a path such as /dev/video0 or an index");
        }
        if (!INDEX.matcher(device).matches() && !device.startsWith("/")) {
            throw new IllegalArgumentException("camera device '" + device
                    + "' is neither an absolute path (/dev/video0, /dev/dermatoscope) nor an index (0)");
        }
        check(device, "width", width, 16, 10_000);
        check(device, "height", height, 16, 10_000);
        check(device, "fps", fps, 1, 240);
        if (format == null) {
            throw new IllegalArgumentException("camera " + device + ": format must be MJPG, YUYV or ANY");
        }
        check(device, "warm-up frames", warmupFrames, 0, 1000);
        check(device, "read failure limit", readFailureLimit, 1, 1000);
        check(device, "frozen frame limit", frozenFrameLimit, 0, 100_000);
        check(device, "initial back-off (ms)", backoffInitialMs, 1, 3_600_000);
        check(device, "maximum back-off (ms)", backoffMaxMs, backoffInitialMs, 3_600_000);
    }

    /**
     * 1280x720 at 30 fps in MJPG, 10 warm-up frames, lost after 3 failed reads or 2 s of identical frames,
     * reconnection attempts 0.5 s, 1 s, 2 s ... up to 10 s apart.
     */
    public static CameraSettings defaults(String device) {
        return new CameraSettings(device, 1280, 720, 30, PixelFormat.MJPG, 10, 3, 60, 500, 10_000);
    }

    public CameraSettings withMode(int width, int height, int fps, PixelFormat format) {
        return new CameraSettings(device, width, height, fps, format, warmupFrames, readFailureLimit,
                frozenFrameLimit, backoffInitialMs, backoffMaxMs);
    }

    public CameraSettings withWarmup(int frames) {
        return new CameraSettings(device, width, height, fps, format, frames, readFailureLimit, frozenFrameLimit,
                backoffInitialMs, backoffMaxMs);
    }

    public CameraSettings withLossDetection(int readFailures, int frozenFrames) {
        return new CameraSettings(device, width, height, fps, format, warmupFrames, readFailures, frozenFrames,
                backoffInitialMs, backoffMaxMs);
    }

    public CameraSettings withBackoff(long initialMs, long maxMs) {
        return new CameraSettings(device, width, height, fps, format, warmupFrames, readFailureLimit,
                frozenFrameLimit, initialMs, maxMs);
    }

    /** True when {@link #device()} is a V4L2 index rather than a path. */
    public boolean isIndex() {
        return INDEX.matcher(device).matches();
    }

    /** The device node: the path itself, or {@code /dev/videoN} for index N. */
    public String devicePath() {
        return isIndex() ? "/dev/video" + device : device;
    }

    private static void check(String device, String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("camera " + device + ": " + what + " is " + value + "; it must be "
                    + min + ".." + max);
        }
    }
}
