package org.melanoscreen.panel;

import java.util.function.Consumer;

/** The one front-panel button, debounced; events arrive on the button's own thread and must be handled quickly. */
public interface TriggerButton extends AutoCloseable {
    void onEvent(Consumer<ButtonEvent> listener);

    @Override
    void close();
}
