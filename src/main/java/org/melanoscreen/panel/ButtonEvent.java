package org.melanoscreen.panel;

/** What a press of the trigger button means. */
public enum ButtonEvent {
    /** Pressed and released before the long-press time: capture. */
    SHORT_PRESS,
    /** Held for the long-press time (told while still held, once per press): cancel. */
    LONG_PRESS
}
