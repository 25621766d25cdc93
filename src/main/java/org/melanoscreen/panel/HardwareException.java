package org.melanoscreen.panel;

/** Hardware settings that cannot be used, or hardware that cannot be opened; the message names the key. */
public final class HardwareException extends Exception {
    private static final long serialVersionUID = 1L;

    public HardwareException(String message) {
        super(message);
    }

    public HardwareException(String message, Throwable cause) {
        super(message, cause);
    }
}
