package org.melanoscreen.capture;

/** A finite source (a folder replayed without looping) has delivered its last frame. */
public final class SourceExhaustedException extends CaptureException {
    private static final long serialVersionUID = 1L;

    public SourceExhaustedException(String message, String remedy) {
        super(message, remedy);
    }
}
