package org.melanoscreen.panel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns raw, timestamped button levels into presses, without hardware or timers of its own, so that it is
 * tested with made-up times. A level counts only once it has held for the debounce time; a press shorter than
 * the long-press time is a SHORT_PRESS when released; a press that reaches it is one LONG_PRESS, told at once,
 * and its release says nothing (a release not yet confirmed holds the long press back). A button stuck down therefore gives one LONG_PRESS and no captures, and arms
 * again when released. Feed it every raw change ({@link #edge}) and call {@link #poll} often (every 10 ms).
 */
public final class ButtonDebouncer {
    private final long debounceNanos;
    private final long longPressNanos;

    private boolean rawPressed;
    private long rawSince;
    private boolean stablePressed;
    private long pressStart;
    private boolean longTold;

    /**
     * @param pressedNow whether the button is down at start; a button already down when the service starts
     *                   (stuck, or held) gives no event until it has been released
     */
    public ButtonDebouncer(Duration debounce, Duration longPress, boolean pressedNow, long nowNanos) {
        if (debounce.isNegative() || longPress.compareTo(debounce) <= 0) {
            throw new IllegalArgumentException("need 0 <= debounce < long press, got " + debounce.toMillis()
                    + " ms and " + longPress.toMillis() + " ms");
        }
        this.debounceNanos = debounce.toNanos();
        this.longPressNanos = longPress.toNanos();
        this.rawPressed = pressedNow;
        this.stablePressed = pressedNow;
        this.rawSince = nowNanos;
        this.pressStart = nowNanos;
        this.longTold = pressedNow;
    }

    /** A raw level seen at {@code nanos} (System.nanoTime()); returns the events that are now due. */
    public synchronized List<ButtonEvent> edge(boolean pressed, long nanos) {
        if (pressed != rawPressed) {
            rawPressed = pressed;
            rawSince = nanos;
        }
        return poll(nanos);
    }

    /** The events due at {@code nanos}. */
    public synchronized List<ButtonEvent> poll(long nanos) {
        List<ButtonEvent> events = new ArrayList<>(1);
        if (rawPressed != stablePressed && nanos - rawSince >= debounceNanos) {
            stablePressed = rawPressed;
            if (stablePressed) {
                pressStart = rawSince;
                longTold = false;
            } else if (!longTold) {
                events.add(ButtonEvent.SHORT_PRESS);
            }
        }
        if (stablePressed && rawPressed && !longTold && nanos - pressStart >= longPressNanos) {
            longTold = true;
            events.add(ButtonEvent.LONG_PRESS);
        }
        return events;
    }
}
