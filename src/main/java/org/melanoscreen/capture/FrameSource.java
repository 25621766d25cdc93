package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;

/**
 * Where frames come from: a USB dermatoscope, a folder of images, or a simulation. Not thread-safe: one
 * capture thread calls {@link #grab()}; {@link #close()} may be called once the caller stops grabbing.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * The next frame, which the caller must close. A {@link CaptureException} means no frame this time (the
     * device is down, a file is bad); the caller may keep calling, and sources that can recover (a camera) do so
     * on a later call. {@link SourceExhaustedException} means a finite source has no more frames.
     */
    Frame grab() throws CaptureException;

    /** A one-line description for logs and status, such as {@code camera /dev/video0 1280x720 MJPG}. */
    String describe();

    @Override
    void close();
}
