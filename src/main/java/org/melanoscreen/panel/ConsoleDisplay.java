package org.melanoscreen.panel;

import java.io.PrintStream;

/** The display as one text line per screen: for a machine without a display. */
public final class ConsoleDisplay implements StatusDisplay {
    private final PrintStream out;

    public ConsoleDisplay(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(DisplayScreen screen) {
        out.println("display: " + String.join(" | ", screen.lines()));
    }

    @Override
    public void close() {
        // nothing held open
    }
}
