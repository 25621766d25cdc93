package org.melanoscreen.app;

/** A problem that stops a command before it can process any input (exit code 2). */
final class SetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
