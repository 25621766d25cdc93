package org.melanoscreen.capture;

/** A frame could not be delivered; the message names the source (device, folder, file) and the reason. */
public class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
