package org.melanoscreen.panel;

/** The small status screen. {@link #show} may be slow (I2C) and throws when the display cannot be written. */
public interface StatusDisplay extends AutoCloseable {
    void show(DisplayScreen screen);

    /** Blanks the display (an OLED: display off) and releases it. */
    @Override
    void close();
}
