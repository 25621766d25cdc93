package org.melanoscreen.panel;

/** The three indicator lamps, in the order they stand on the front panel. */
public enum Lamp {
    GREEN, AMBER, RED
}
