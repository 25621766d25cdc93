package org.melanoscreen.capture;

import org.opencv.core.Mat;

/** The few camera calls {@link CameraSource} needs, so that its loss and recovery logic can run on a fake. */
interface VideoDevice {

    /** Opens the device and applies the requested mode; the exception names the device and the reason. */
    CameraMode open(CameraSettings settings) throws CaptureException;

    /** Reads the next frame as 8-bit BGR into {@code bgr}; false when no frame could be read. */
    boolean read(Mat bgr);

    /** Closes the device; harmless when it is not open. */
    void release();
}
