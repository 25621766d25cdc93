package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HardwareSettingsTest {

    private static String error(Map<String, String> values) {
        return assertThrows(HardwareException.class, () -> HardwareSettings.parse(values)).getMessage();
    }

    @Test
    void theDefaultsAreTheRaspberryPiWiring() throws Exception {
        HardwareSettings s = HardwareSettings.parse(Map.of("source", "ignored: not a hardware key"));
        assertEquals(HardwareSettings.LightsKind.GPIO, s.lights());
        assertEquals(HardwareSettings.ButtonKind.GPIO, s.button());
        assertEquals(HardwareSettings.DisplayKind.SSD1306, s.display());
        assertEquals(Map.of(Lamp.GREEN, 17, Lamp.AMBER, 27, Lamp.RED, 22), s.ledPins());
        assertEquals(23, s.buttonPin());
        assertTrue(s.buttonActiveLow());
        assertEquals(Duration.ofMillis(30), s.debounce());
        assertEquals(Duration.ofMillis(1500), s.longPress());
        assertEquals(1, s.i2cBus());
        assertEquals(0x3C, s.i2cAddress());
        assertEquals(64, s.displayHeight());
        assertEquals(0xCF, s.contrast());
        assertEquals(HardwareSettings.BuzzerKind.NONE, s.buzzer());
        assertTrue(s.needsPi4j());
    }

    @Test
    void hexAndDecimalNumbersAreAccepted() throws Exception {
        HardwareSettings s = HardwareSettings.parse(Map.of("display.i2c_address", "61", "display.contrast", "0x7f",
                "display.height", "32"));
        assertEquals(0x3D, s.i2cAddress());
        assertEquals(0x7F, s.contrast());
        assertEquals(32, s.displayHeight());
    }

    @Test
    void consoleAndPngNeedNoPi4j() throws Exception {
        assertTrue(!HardwareSettings.parse(Map.of("hardware.lights", "console", "hardware.button", "none",
                "hardware.display", "png")).needsPi4j());
    }

    @Test
    void badValuesAreReportedByKeyWithTheReason() {
        assertEquals("hardware.display = 'oled' must be one of ssd1306, png, console, none",
                error(Map.of("hardware.display", "oled")));
        assertEquals("gpio.led_red = '40' must be a whole number from 0 to 27", error(Map.of("gpio.led_red", "40")));
        assertEquals("display.i2c_address = '0x3G' must be a whole number from 3 to 119 (decimal or 0x hex)",
                error(Map.of("display.i2c_address", "0x3G")));
        assertEquals("display.height = '48' must be 32 or 64", error(Map.of("display.height", "48")));
        assertEquals("gpio.leds_active_low = 'yes' must be true or false", error(Map.of("gpio.leds_active_low", "yes")));
        assertEquals("button.long_press_ms = '20' must be longer than button.debounce_ms (30)",
                error(Map.of("button.long_press_ms", "20")));
        assertEquals("gpio.provider = 'pigpio' must be gpiod (the only provider this build supports)",
                error(Map.of("gpio.provider", "pigpio")));
        assertEquals("hardware.png_dir = '' must name a folder when hardware.display = png",
                error(Map.of("hardware.display", "png", "hardware.png_dir", "")));
    }

    @Test
    void aPinUsedTwiceOrTakenByTheDisplaysI2cIsRefused() {
        assertEquals("gpio.button and gpio.led_green both use BCM GPIO 17", error(Map.of("gpio.button", "17")));
        assertEquals("gpio.buzzer and gpio.button both use BCM GPIO 23",
                error(Map.of("hardware.buzzer", "gpio", "gpio.buzzer", "23")));
        assertEquals("the display's I2C-1 SDA and gpio.led_amber both use BCM GPIO 2",
                error(Map.of("gpio.led_amber", "2")));
    }

    @Test
    void pinsOfHardwareThatIsNotUsedAreNotChecked() throws Exception {
        HardwareSettings.parse(Map.of("hardware.button", "none", "gpio.button", "17"));
        HardwareSettings.parse(Map.of("hardware.display", "none", "gpio.led_red", "2"));
    }

    @Test
    void consoleHardwareOpensWithoutPi4jAndPrintsTheLampsAndScreens() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        HardwareSettings s = HardwareSettings.parse(Map.of("hardware.lights", "console", "hardware.button", "none",
                "hardware.display", "console"));
        try (Hardware hw = Hardware.open(s, out, settings -> {
            throw new AssertionError("no Pi4J context for console hardware");
        })) {
            PanelListener listener = hw.listener("dev-1", "m");
            listener.stateChanged(Fixtures.state(org.melanoscreen.workflow.ApplianceState.FAULT));
        }
        assertEquals(String.join("\n",
                "lights: lamp test (green, amber, red, all)",
                "lights: OFF (all off)",
                "lights: FAULT (red blinking)",
                "display: FAULT | no camera | check the dermatoscope's USB cable",
                "lights: OFF (all off)",
                ""), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPi4jFailureAtStartNamesTheKeys() {
        HardwareException e = assertThrows(HardwareException.class, () -> Hardware.open(
                HardwareSettings.parse(Map.of()), System.out, settings -> {
                    throw new UnsatisfiedLinkError("libpi4j-gpiod.so: wrong ELF class");
                }));
        assertTrue(e.getMessage().startsWith("gpio.provider / i2c.provider: the Pi4J context cannot be opened "
                + "(java.lang.UnsatisfiedLinkError: libpi4j-gpiod.so: wrong ELF class); on a machine without it set "
                + "its hardware.* key (lights, button, display, buzzer) to console, png or none"), e.getMessage());
    }
}
