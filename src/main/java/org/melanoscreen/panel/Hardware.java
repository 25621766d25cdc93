package org.melanoscreen.panel;

import com.pi4j.context.Context;
import org.melanoscreen.workflow.Appliance;
import org.tinylog.Logger;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Function;

/**
 * The appliance's lamps, button, display and buzzer as configured, opened together and closed together. Typical use:
 * <pre>
 * Hardware hw = Hardware.open(HardwareSettings.parse(config), System.out);  // lamp test runs here
 * hw.attach(appliance, deviceId, models);   // lamps + display follow the appliance; button triggers/cancels
 * ... appliance.start() ... appliance.close();
 * hw.close();                                 // lamps off, display off, Pi4J shut down
 * </pre>
 */
public final class Hardware implements AutoCloseable {
    static final Duration DISPLAY_RETRY = Duration.ofSeconds(5);

    private final Context pi4j;
    private final IndicatorLights lights;
    private final TriggerButton button;
    private final StatusDisplay display;
    private final Buzzer buzzer;
    private boolean closed;

    private Hardware(Context pi4j, IndicatorLights lights, TriggerButton button, StatusDisplay display,
                     Buzzer buzzer) {
        this.pi4j = pi4j;
        this.lights = lights;
        this.button = button;
        this.display = display;
        this.buzzer = buzzer;
    }

    /**
     * Opens what {@code settings} name, runs the lamp test, and returns them. GPIO or an I2C bus that cannot be
     * opened (wrong board, I2C not enabled, no access) stops here with the key to change; a display that is
     * absent from a working bus is only logged, and retried, when screens are shown.
     */
    public static Hardware open(HardwareSettings settings, PrintStream console) throws HardwareException {
        return open(settings, console, Pi4jContexts::build);
    }

    static Hardware open(HardwareSettings s, PrintStream console, Function<HardwareSettings, Context> contexts)
            throws HardwareException {
        Context pi4j = null;
        IndicatorLights lights = null;
        TriggerButton button = null;
        StatusDisplay display = null;
        Buzzer buzzer = null;
        try {
            if (s.needsPi4j()) {
                pi4j = opening("gpio.provider / i2c.provider", "the Pi4J context", () -> contexts.apply(s));
            }
            Context c = pi4j;
            lights = switch (s.lights()) {
                case GPIO -> BlinkingLights.started(opening("gpio.led_green / gpio.led_amber / gpio.led_red",
                        "the lamps' GPIO outputs", () -> Pi4jLights.open(c, s.ledPins(), s.ledsActiveLow())),
                        "Indicator lights (BCM " + s.ledPins().get(Lamp.GREEN) + "/" + s.ledPins().get(Lamp.AMBER)
                                + "/" + s.ledPins().get(Lamp.RED) + ")");
                case CONSOLE -> new ConsoleLights(console);
                case NONE -> new Nothing();
            };
            button = switch (s.button()) {
                case GPIO -> opening("gpio.button", "the button's GPIO input",
                        () -> Pi4jButton.open(c, s.buttonPin(), s.buttonActiveLow(), s.debounce(), s.longPress()));
                case NONE -> null;
            };
            ScreenRenderer renderer = new ScreenRenderer(s.displayHeight());
            display = switch (s.display()) {
                case SSD1306 -> new AsyncDisplay(opening("display.i2c_bus / display.i2c_address",
                        "/dev/i2c-" + s.i2cBus(),
                        () -> Ssd1306Display.open(c, s.i2cBus(), s.i2cAddress(), renderer, s.contrast())),
                        String.format("Status display (SSD1306 at 0x%02X on /dev/i2c-%d)", s.i2cAddress(), s.i2cBus()),
                        DISPLAY_RETRY);
                case PNG -> new AsyncDisplay(new PngDisplay(s.pngDir(), renderer),
                        "Status display (PNG frames in " + s.pngDir() + ")", DISPLAY_RETRY);
                case CONSOLE -> new ConsoleDisplay(console);
                case NONE -> new Nothing();
            };
            buzzer = switch (s.buzzer()) {
                case GPIO -> opening("gpio.buzzer", "the buzzer's GPIO output", () -> Pi4jBuzzer.open(c, s.buzzerPin()));
                case NONE -> new Nothing();
            };
            lights.lampTest();
            return new Hardware(pi4j, lights, button, display, buzzer);
        } catch (HardwareException | RuntimeException e) {
            closeQuietly(button, lights, display, buzzer, pi4j);
            throw e;
        }
    }

    private interface Opener<T> {
        T open();
    }

    /** Runs {@code opener}; a failure (Pi4J's, or a native library that is missing) names the keys to look at. */
    private static <T> T opening(String keys, String what, Opener<T> opener) throws HardwareException {
        try {
            return opener.open();
        } catch (RuntimeException | LinkageError e) {
            throw new HardwareException(keys + ": " + what + " cannot be opened (" + e + "); on a machine "
                    + "without it set its hardware.* key (lights, button, display, buzzer) to console, png or none", e);
        }
    }

    /** Lamps and display follow {@code appliance}; a short press captures, a long press cancels. */
    public void attach(Appliance appliance, String deviceId, String models) {
        appliance.addListener(listener(deviceId, models));
        if (button != null) {
            button.onEvent(event -> {
                if (event == ButtonEvent.SHORT_PRESS) {
                    appliance.trigger("button", null, null);
                } else {
                    appliance.cancel();
                }
            });
        }
    }

    /** The listener alone, for a caller that wires the button itself. */
    public PanelListener listener(String deviceId, String models) {
        return new PanelListener(lights, display, buzzer, deviceId, models);
    }

    public IndicatorLights lights() {
        return lights;
    }

    public StatusDisplay display() {
        return display;
    }

    /** The button, or null when there is none. */
    public TriggerButton button() {
        return button;
    }

    /**
     * Button released, lamps off, display off, buzzer silent, then Pi4J shut down; failures are logged. Only the
     * first call does anything, so it can be called from both a finally block and a shutdown hook.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(button, lights, display, buzzer);
        closeQuietly(pi4j);
    }

    private static void closeQuietly(Object... things) {
        for (Object thing : things) {
            try {
                if (thing instanceof Context c) {
                    c.shutdown();
                } else if (thing instanceof AutoCloseable a) {
                    a.close();
                }
            } catch (Exception e) {
                Logger.warn("Closing {} failed: {}", thing, e.getMessage());
            }
        }
    }

    /** No lamps, no display or no buzzer. */
    private static final class Nothing implements IndicatorLights, StatusDisplay, Buzzer {
        @Override
        public void show(LightPattern pattern) {
            // no lamps
        }

        @Override
        public void lampTest() {
            // no lamps
        }

        @Override
        public void show(DisplayScreen screen) {
            // no display
        }

        @Override
        public void beep(Beep beep) {
            // no buzzer
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
