package org.melanoscreen.panel;

/** The green/amber/red lamps. Calls return quickly; a lamp that cannot be switched throws. */
public interface IndicatorLights extends AutoCloseable {
    void show(LightPattern pattern);

    /** Lights each lamp in turn, then all together, then shows {@link LightPattern#OFF}: a start-up check by eye. */
    void lampTest();

    /** Switches the lamps off and releases them. */
    @Override
    void close();
}
