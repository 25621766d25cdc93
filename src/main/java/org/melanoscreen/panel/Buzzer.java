package org.melanoscreen.panel;

/** An optional buzzer; {@link #beep} returns at once and the beep plays by itself. */
public interface Buzzer extends AutoCloseable {
    void beep(Beep beep);

    /** Silences the buzzer and releases it. */
    @Override
    void close();
}
