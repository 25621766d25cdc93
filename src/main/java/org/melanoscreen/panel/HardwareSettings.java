package org.melanoscreen.panel;

import org.melanoscreen.settings.Key;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which lamps, button, display and buzzer the appliance has, and how they are wired. Built from configuration keys
 * ({@link #KEYS}, part of the service configuration, documented in device/melanoscreen.conf); every value is checked
 * and a bad one is reported by its key. The {@code ...Kind} enums say which implementation of each part (a
 * {@link Buzzer} on GPIO, or none).
 *
 * @param ledPins BCM GPIO number of each lamp
 */
public record HardwareSettings(LightsKind lights, ButtonKind button, DisplayKind display, BuzzerKind buzzer,
                               Path pngDir, String gpioProvider, Map<Lamp, Integer> ledPins, boolean ledsActiveLow, int buttonPin,
                               boolean buttonActiveLow, int buzzerPin, Duration debounce, Duration longPress,
                               String i2cProvider, int i2cBus, int i2cAddress, int displayHeight, int contrast) {

    public enum LightsKind { GPIO, CONSOLE, NONE }

    public enum ButtonKind { GPIO, NONE }

    public enum DisplayKind { SSD1306, PNG, CONSOLE, NONE }

    public enum BuzzerKind { GPIO, NONE }

    public static final List<Key> KEYS = List.of(
            Key.owned("hardware.lights", "gpio",
                    "Indicator lamps: gpio (LEDs via Pi4J), console (text lines) or none."),
            Key.owned("hardware.button", "gpio", "Trigger button: gpio (Pi4J) or none (use the console or socket)."),
            Key.owned("hardware.display", "ssd1306",
                    "Status display: ssd1306 (I2C OLED via Pi4J), png (frames as images), console or none."),
            Key.owned("hardware.buzzer", "none", "Buzzer: gpio (an active buzzer via Pi4J) or none."),
            Key.owned("hardware.png_dir", "display-frames",
                    "Folder for the display's PNG frames (hardware.display=png)."),
            Key.owned("gpio.provider", "gpiod", "Pi4J GPIO provider: gpiod (/dev/gpiochip*, Pi 4 and Pi 5, no root)."),
            Key.owned("gpio.led_green", "17", "BCM GPIO number of the green lamp (READY, LOW)."),
            Key.owned("gpio.led_amber", "27", "BCM GPIO number of the amber lamp (busy: blinking, RETAKE: steady)."),
            Key.owned("gpio.led_red", "22", "BCM GPIO number of the red lamp (REFER: steady, FAULT: blinking)."),
            Key.owned("gpio.leds_active_low", "false",
                    "true when the LEDs are wired from 3.3 V to the pin (lit at 0)."),
            Key.owned("gpio.button", "23", "BCM GPIO number of the trigger button."),
            Key.owned("gpio.button_active_low", "true",
                    "true for a button to GND with the internal pull-up; false: to 3.3 V with pull-down."),
            Key.owned("gpio.buzzer", "24", "BCM GPIO number of the buzzer (active-high, hardware.buzzer=gpio)."),
            Key.owned("button.debounce_ms", "30", "A button level counts once it has held this long (1-1000 ms)."),
            Key.owned("button.long_press_ms", "1500", "Holding this long cancels instead of capturing (ms)."),
            Key.owned("i2c.provider", "linuxfs", "Pi4J I2C provider: linuxfs (/dev/i2c-N; Pi and Jetson)."),
            Key.owned("display.i2c_bus", "1", "I2C bus of the display: N in /dev/i2c-N (Pi header pins 3/5: 1)."),
            Key.owned("display.i2c_address", "0x3C", "I2C address of the display, 0x3C or 0x3D (hex or decimal)."),
            Key.owned("display.height", "64", "Display rows: 64 (128x64) or 32 (128x32)."),
            Key.owned("display.contrast", "0xCF",
                    "Display contrast 0-255 (hex or decimal); lower dims and saves wear."));

    public HardwareSettings {
        ledPins = Map.copyOf(ledPins);
    }

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static HardwareSettings parse(Map<String, String> values) throws HardwareException {
        Map<String, String> v = new HashMap<>();
        KEYS.forEach(k -> v.put(k.name(), k.defaultValue()));
        KEYS.forEach(k -> {
            if (values.containsKey(k.name())) {
                v.put(k.name(), values.get(k.name()).trim());
            }
        });
        LightsKind lights = choice(v, "hardware.lights", LightsKind.class);
        ButtonKind button = choice(v, "hardware.button", ButtonKind.class);
        DisplayKind display = choice(v, "hardware.display", DisplayKind.class);
        BuzzerKind buzzer = choice(v, "hardware.buzzer", BuzzerKind.class);
        if (display == DisplayKind.PNG && v.get("hardware.png_dir").isEmpty()) {
            throw bad("hardware.png_dir", "", "must name a folder when hardware.display = png");
        }
        oneOf(v, "gpio.provider", "gpiod");
        oneOf(v, "i2c.provider", "linuxfs");
        Map<Lamp, Integer> pins = new EnumMap<>(Lamp.class);
        pins.put(Lamp.GREEN, pin(v, "gpio.led_green"));
        pins.put(Lamp.AMBER, pin(v, "gpio.led_amber"));
        pins.put(Lamp.RED, pin(v, "gpio.led_red"));
        int buttonPin = pin(v, "gpio.button");
        int buzzerPin = pin(v, "gpio.buzzer");
        int i2cBus = number(v, "display.i2c_bus", 0, 99);
        Map<Integer, String> used = new HashMap<>();
        if (lights == LightsKind.GPIO) {
            claim(used, pins.get(Lamp.GREEN), "gpio.led_green");
            claim(used, pins.get(Lamp.AMBER), "gpio.led_amber");
            claim(used, pins.get(Lamp.RED), "gpio.led_red");
        }
        if (button == ButtonKind.GPIO) {
            claim(used, buttonPin, "gpio.button");
        }
        if (buzzer == BuzzerKind.GPIO) {
            claim(used, buzzerPin, "gpio.buzzer");
        }
        if (display == DisplayKind.SSD1306 && i2cBus == 1) {
            claim(used, 2, "the display's I2C-1 SDA");
            claim(used, 3, "the display's I2C-1 SCL");
        }
        int debounce = number(v, "button.debounce_ms", 1, 1000);
        int longPress = number(v, "button.long_press_ms", 1, 60_000);
        if (longPress <= debounce) {
            throw bad("button.long_press_ms", v.get("button.long_press_ms"),
                    "must be longer than button.debounce_ms (" + debounce + ")");
        }
        int height = number(v, "display.height", 32, 64);
        if (height != 32 && height != 64) {
            throw bad("display.height", v.get("display.height"), "must be 32 or 64");
        }
        return new HardwareSettings(lights, button, display, buzzer, Path.of(v.get("hardware.png_dir")),
                v.get("gpio.provider"), pins, bool(v, "gpio.leds_active_low"), buttonPin,
                bool(v, "gpio.button_active_low"), buzzerPin, Duration.ofMillis(debounce), Duration.ofMillis(longPress),
                v.get("i2c.provider"), i2cBus, number(v, "display.i2c_address", 0x03, 0x77), height,
                number(v, "display.contrast", 0, 255));
    }

    /** These settings with the lamps alone (no button, display or buzzer): a check of the lamps opens only them. */
    public HardwareSettings lampsOnly() {
        return withParts(lights, ButtonKind.NONE, DisplayKind.NONE, BuzzerKind.NONE);
    }

    /** These settings with the display alone (no lamps, button or buzzer). */
    public HardwareSettings displayOnly() {
        return withParts(LightsKind.NONE, ButtonKind.NONE, display, BuzzerKind.NONE);
    }

    private HardwareSettings withParts(LightsKind l, ButtonKind b, DisplayKind d, BuzzerKind z) {
        return new HardwareSettings(l, b, d, z, pngDir, gpioProvider, ledPins, ledsActiveLow, buttonPin,
                buttonActiveLow, buzzerPin, debounce, longPress, i2cProvider, i2cBus, i2cAddress, displayHeight,
                contrast);
    }

    /** Whether any of the chosen hardware goes through Pi4J. */
    public boolean needsPi4j() {
        return lights == LightsKind.GPIO || button == ButtonKind.GPIO || display == DisplayKind.SSD1306
                || buzzer == BuzzerKind.GPIO;
    }

    private static <E extends Enum<E>> E choice(Map<String, String> v, String key, Class<E> type)
            throws HardwareException {
        String value = v.get(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw bad(key, value, "must be one of " + allowed);
    }

    private static void oneOf(Map<String, String> v, String key, String only) throws HardwareException {
        if (!v.get(key).equals(only)) {
            throw bad(key, v.get(key), "must be " + only + " (the only provider this build supports)");
        }
    }

    /** BCM GPIO 0-27 are on the 40-pin header of every Raspberry Pi with one. */
    private static int pin(Map<String, String> v, String key) throws HardwareException {
        return number(v, key, 0, 27);
    }

    private static void claim(Map<Integer, String> used, int pin, String user) throws HardwareException {
        String before = used.putIfAbsent(pin, user);
        if (before != null) {
            throw new HardwareException(user + " and " + before + " both use BCM GPIO " + pin);
        }
    }

    private static int number(Map<String, String> v, String key, int min, int max) throws HardwareException {
        String value = v.get(key);
        try {
            int n = value.toLowerCase(Locale.ROOT).startsWith("0x") ? Integer.parseInt(value.substring(2), 16)
                    : Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, value, "must be a whole number from " + min + " to " + max
                + (key.equals("display.i2c_address") || key.equals("display.contrast") ? " (decimal or 0x hex)" : ""));
    }

    private static boolean bool(Map<String, String> v, String key) throws HardwareException {
        String value = v.get(key);
        if (!Set.of("true", "false").contains(value)) {
            throw bad(key, value, "must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static HardwareException bad(String key, String value, String problem) {
        return new HardwareException(key + " = '" + value + "' " + problem);
    }
}
