package org.melanoscreen.panel;

import java.io.PrintStream;

/** Lamps as text lines, one per change: for a machine without lamps, and for the demo. */
public final class ConsoleLights implements IndicatorLights {
    private final PrintStream out;
    private LightPattern shown;

    public ConsoleLights(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void show(LightPattern pattern) {
        if (pattern != shown) {
            shown = pattern;
            out.println("lights: " + pattern.describe());
        }
    }

    @Override
    public void lampTest() {
        out.println("lights: lamp test (green, amber, red, all)");
        show(LightPattern.OFF);
    }

    @Override
    public void close() {
        show(LightPattern.OFF);
    }
}
