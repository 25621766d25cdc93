package org.melanoscreen.capture;

import org.melanoscreen.imaging.OpenCvLoader;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

import java.nio.file.Files;
import java.nio.file.Path;

/** A V4L2 camera through OpenCV's {@link VideoCapture}. */
final class OpenCvVideoDevice implements VideoDevice {
    /** Two buffers keep latency low (the newest frame, not one queued a second ago) without starving the driver. */
    private static final int BUFFERS = 2;

    private VideoCapture capture;

    @Override
    public CameraMode open(CameraSettings settings) throws CaptureException {
        release();
        Path node = Path.of(settings.devicePath());
        String name = "camera " + settings.device();
        if (!Files.exists(node)) {
            throw new CaptureException(name + ": no such device (" + node + " does not exist; unplugged?)");
        }
        if (!Files.isReadable(node) || !Files.isWritable(node)) {
            throw new CaptureException(name + ": permission denied on " + node
                    + " (add the service user to the 'video' group)", "add the service user to the 'video' group");
        }
        OpenCvLoader.load();
        VideoCapture c = new VideoCapture();
        boolean opened = settings.isIndex()
                ? c.open(Integer.parseInt(settings.device()), Videoio.CAP_V4L2)
                : c.open(settings.device(), Videoio.CAP_V4L2);
        if (!opened || !c.isOpened()) {
            c.release();
            throw new CaptureException(name + ": cannot be opened with V4L2 (busy in another program, or not a "
                    + "video capture node)", "close any other program using the camera, and check that source names "
                    + "the dermatoscope");
        }
        // The format goes first: it decides which sizes and rates the driver offers.
        if (settings.format() != PixelFormat.ANY) {
            c.set(Videoio.CAP_PROP_FOURCC, settings.format().fourcc());
        }
        c.set(Videoio.CAP_PROP_FRAME_WIDTH, settings.width());
        c.set(Videoio.CAP_PROP_FRAME_HEIGHT, settings.height());
        c.set(Videoio.CAP_PROP_FPS, settings.fps());
        c.set(Videoio.CAP_PROP_BUFFERSIZE, BUFFERS);
        capture = c;
        return new CameraMode((int) c.get(Videoio.CAP_PROP_FRAME_WIDTH), (int) c.get(Videoio.CAP_PROP_FRAME_HEIGHT),
                c.get(Videoio.CAP_PROP_FPS), PixelFormat.name((int) c.get(Videoio.CAP_PROP_FOURCC)));
    }

    /**
     * On a camera that stalls without disappearing, OpenCV's V4L2 backend waits for each frame up to the time set
     * by the environment variable {@code OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT} (seconds, default 10, read once per
     * process): set it in the service's environment to detect a stall sooner. An unplugged camera fails at once.
     */
    @Override
    public boolean read(Mat bgr) {
        return capture != null && capture.read(bgr) && !bgr.empty();
    }

    @Override
    public void release() {
        if (capture != null) {
            capture.release();
            capture = null;
        }
    }
}
