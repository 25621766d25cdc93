package org.melanoscreen.panel;

import org.tinylog.Logger;

/** Logs a device's failure once, not on every retry, and logs once more when it works again. */
final class OnceLog {
    private final String what;
    private boolean failing;

    OnceLog(String what) {
        this.what = what;
    }

    synchronized void failed(RuntimeException e) {
        if (!failing) {
            failing = true;
            Logger.error(e, "{} failed; screening goes on, retrying on the next change", what);
        }
    }

    synchronized void worked() {
        if (failing) {
            failing = false;
            Logger.info("{} works again", what);
        }
    }

    synchronized boolean failing() {
        return failing;
    }
}
