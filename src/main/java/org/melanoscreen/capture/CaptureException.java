package org.melanoscreen.capture;

/**
 * A frame could not be delivered; the message names the source (device, folder, file) and the reason, and the
 * remedy says what the person at the device should do about this cause.
 */
public class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;
    static final String CHECK_CABLE = "check the dermatoscope's USB cable";

    private final String remedy;

    /** A failure of the camera itself: the remedy is to check its cable. */
    public CaptureException(String message) {
        this(message, CHECK_CABLE);
    }

    public CaptureException(String message, Throwable cause) {
        this(message, CHECK_CABLE, cause);
    }

    public CaptureException(String message, String remedy) {
        super(message);
        this.remedy = remedy;
    }

    public CaptureException(String message, String remedy, Throwable cause) {
        super(message, cause);
        this.remedy = remedy;
    }

    /** What to do about this cause, as shown with the FAULT. */
    public String remedy() {
        return remedy;
    }
}
