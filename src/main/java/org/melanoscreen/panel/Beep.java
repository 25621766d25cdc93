package org.melanoscreen.panel;

/** What the optional buzzer says: alternating on and off times in milliseconds, starting with on. */
public enum Beep {
    /** A capture has started (the press was taken). */
    ACKNOWLEDGE(60),
    /** A result is on the display. */
    DONE(200),
    /** The appliance cannot screen. */
    FAULT(100, 100, 100, 100, 100);

    private final int[] timesMs;

    Beep(int... timesMs) {
        this.timesMs = timesMs;
    }

    int[] timesMs() {
        return timesMs.clone();
    }
}
