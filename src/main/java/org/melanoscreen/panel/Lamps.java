package org.melanoscreen.panel;

/** The lamps' switches, without patterns or timing: what a hardware back end provides to {@link BlinkingLights}. */
public interface Lamps extends AutoCloseable {
    void set(Lamp lamp, boolean on);

    @Override
    void close();
}
