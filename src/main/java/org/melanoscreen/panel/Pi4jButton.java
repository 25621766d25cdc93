package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The trigger button on a GPIO input with the SoC's pull resistor (pull-up when active-low: button to GND).
 * Pi4J's own debounce is off; Pi4J's edge events and a 10 ms tick feed a {@link ButtonDebouncer}, and the tick
 * also reads the level, so an edge the kernel dropped is still seen.
 */
public final class Pi4jButton implements TriggerButton {
    private static final long TICK_MS = 10;

    private final DigitalInput input;
    private final boolean activeLow;
    private final LongSupplier clock;
    private final ButtonDebouncer debouncer;
    private final DigitalStateChangeListener edges;
    private final List<Consumer<ButtonEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker;
    private final OnceLog log = new OnceLog("Trigger button");

    private Pi4jButton(DigitalInput input, boolean activeLow, Duration debounce, Duration longPress,
                       LongSupplier clock, ScheduledExecutorService ticker) {
        this.input = input;
        this.activeLow = activeLow;
        this.clock = clock;
        this.debouncer = new ButtonDebouncer(debounce, longPress, pressed(input.state()), clock.getAsLong());
        this.ticker = ticker;
        this.edges = e -> dispatch(debouncer.edge(pressed(e.state()), clock.getAsLong()));
        input.addListener(edges);
    }

    /**
     * Opens BCM {@code pin} as the button, timed by {@code clock} (nanoseconds); ticks on a daemon thread when
     * {@code tick} is true, otherwise only when {@link #tick()} is called (tests).
     */
    static Pi4jButton open(Context pi4j, int pin, boolean activeLow, Duration debounce, Duration longPress,
                           LongSupplier clock, boolean tick) {
        DigitalInput input = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id("button-" + pin).name("trigger button")
                .address(pin)
                .pull(activeLow ? PullResistance.PULL_UP : PullResistance.PULL_DOWN)
                .debounce(0L));
        ScheduledExecutorService ticker = tick ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "button");
            t.setDaemon(true);
            return t;
        }) : null;
        Pi4jButton button = new Pi4jButton(input, activeLow, debounce, longPress, clock, ticker);
        if (ticker != null) {
            ticker.scheduleAtFixedRate(button::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        }
        return button;
    }

    public static Pi4jButton open(Context pi4j, int pin, boolean activeLow, Duration debounce, Duration longPress) {
        return open(pi4j, pin, activeLow, debounce, longPress, System::nanoTime, true);
    }

    @Override
    public void onEvent(Consumer<ButtonEvent> listener) {
        listeners.add(listener);
    }

    /** Reads the level and lets time pass in the debouncer. */
    void tick() {
        try {
            dispatch(debouncer.edge(pressed(input.state()), clock.getAsLong()));
            log.worked();
        } catch (RuntimeException e) {
            log.failed(e);
        }
    }

    private boolean pressed(DigitalState state) {
        return (state == DigitalState.LOW) == activeLow;
    }

    private void dispatch(List<ButtonEvent> events) {
        for (ButtonEvent event : events) {
            Logger.debug("Button: {}", event);
            for (Consumer<ButtonEvent> l : listeners) {
                l.accept(event);
            }
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        input.removeListener(edges);
    }
}
