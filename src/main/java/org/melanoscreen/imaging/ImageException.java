package org.melanoscreen.imaging;

/** An input that cannot be screened; the message names the input and the reason. */
public class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }
}
