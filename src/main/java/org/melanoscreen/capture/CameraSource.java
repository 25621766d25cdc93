package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.OpenCvLoader;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;
import org.tinylog.Logger;

import java.util.Locale;
import java.util.Optional;

/**
 * A USB dermatoscope on V4L2 that survives being unplugged. The device is opened on the first {@link #grab()};
 * after warm-up frames are discarded, frames are delivered as RGB. Repeated read failures or frozen frames count
 * as a lost device: it is released and every later {@code grab()} first waits out an exponential back-off, then
 * tries to reopen it, throwing {@link CaptureException} until the camera is back. So a caller that keeps calling
 * {@code grab()} is paced by the back-off (at most {@link CameraSettings#backoffMaxMs()} per call) and recovers on
 * its own, without restarting the service.
 */
public final class CameraSource implements FrameSource {
    private final CameraSettings settings;
    private final VideoDevice device;
    private final Ticker ticker;
    private final String name;
    private final Mat bgr;
    private final FrozenFrameDetector frozen;

    private CameraMode mode;
    private boolean retryPending;
    private long retryAtMs;
    private long backoffMs;
    private String problem = "not opened yet";
    private boolean closed;

    public CameraSource(CameraSettings settings) {
        this(settings, new OpenCvVideoDevice(), Ticker.SYSTEM);
    }

    CameraSource(CameraSettings settings, VideoDevice device, Ticker ticker) {
        OpenCvLoader.load();
        this.settings = settings;
        this.device = device;
        this.ticker = ticker;
        this.name = "camera " + settings.device();
        this.bgr = new Mat();
        this.frozen = new FrozenFrameDetector();
        this.backoffMs = settings.backoffInitialMs();
    }

    @Override
    public Frame grab() throws CaptureException {
        if (closed) {
            throw new IllegalStateException(name + ": grab after close");
        }
        if (mode == null) {
            connect();
        }
        int failures = 0;
        while (!device.read(bgr)) {
            if (++failures >= settings.readFailureLimit()) {
                throw lost(failures + " failed reads in a row: unplugged, or a USB error",
                        CaptureException.CHECK_CABLE);
            }
        }
        int repeats = frozen.observe(bgr);
        if (settings.frozenFrameLimit() > 0 && repeats >= settings.frozenFrameLimit()) {
            throw lost("frozen: " + (repeats + 1) + " identical frames in a row", "unplug the dermatoscope and plug "
                    + "it back in: its driver stopped delivering new frames");
        }
        Mat rgb = new Mat();
        Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
        return new Frame(rgb, name);
    }

    /** What the camera delivers, while it is connected. */
    public Optional<CameraMode> mode() {
        return Optional.ofNullable(mode);
    }

    @Override
    public String describe() {
        String requested = String.format(Locale.ROOT, "requested %dx%d %s %d fps", settings.width(), settings.height(),
                settings.format(), settings.fps());
        return name + " (" + requested + "; " + (mode != null ? "delivering " + mode : "down: " + problem) + ")";
    }

    @Override
    public void close() {
        closed = true;
        device.release();
        mode = null;
        frozen.close();
        bgr.release();
    }

    private void connect() throws CaptureException {
        if (retryPending) {
            long wait = retryAtMs - ticker.millis();
            if (wait > 0) {
                try {
                    ticker.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CaptureException(name + ": interrupted while waiting to reconnect", e);
                }
            }
        }
        try {
            CameraMode opened = device.open(settings);
            for (int i = 1; i <= settings.warmupFrames(); i++) {
                if (!device.read(bgr)) {
                    throw new CaptureException(name + ": opened, but no frame during warm-up (frame " + i + " of "
                            + settings.warmupFrames() + ")");
                }
            }
            mode = opened;
        } catch (CaptureException e) {
            device.release();
            String message = e.getMessage();
            scheduleRetry(message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message);
            throw e;
        }
        frozen.reset();
        backoffMs = settings.backoffInitialMs();
        retryPending = false;
        problem = null;
        Logger.info("{}: connected, {}", name, mode);
    }

    private CaptureException lost(String reason, String remedy) {
        device.release();
        mode = null;
        backoffMs = settings.backoffInitialMs();
        scheduleRetry("lost (" + reason + ")");
        return new CaptureException(name + ": lost (" + reason + ")", remedy);
    }

    /**
     * Records why the camera is down and when to try again, doubling the wait for the attempt after that. Only a
     * new reason is a warning: a camera missing for a day must not fill the log with the same line.
     */
    private void scheduleRetry(String reason) {
        if (reason.equals(problem)) {
            Logger.debug("{}: {}; next attempt in {} ms", name, reason, backoffMs);
        } else {
            Logger.warn("{}: {}; next attempt in {} ms", name, reason, backoffMs);
        }
        problem = reason;
        retryPending = true;
        retryAtMs = ticker.millis() + backoffMs;
        backoffMs = Math.min(2 * backoffMs, settings.backoffMaxMs());
    }
}
