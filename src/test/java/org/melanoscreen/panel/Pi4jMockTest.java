package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.workflow.ApplianceState;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lamps, button and display end to end through Pi4J's mock providers, read back from the mock pins and bus. */
class Pi4jMockTest {
    private static final Map<Lamp, Integer> PINS = Map.of(Lamp.GREEN, 17, Lamp.AMBER, 27, Lamp.RED, 22);

    private final Context pi4j = MockPi4j.context();

    @AfterEach
    void shutDown() {
        if (!pi4j.isShutdown()) {
            pi4j.shutdown();
        }
    }

    /** "G.." : which lamps are lit, read from the mock outputs, for active-high LEDs. */
    private String lit() {
        StringBuilder sb = new StringBuilder();
        for (String id : List.of("led-green", "led-amber", "led-red")) {
            DigitalOutput out = pi4j.io(id);
            sb.append(out.state() == DigitalState.HIGH ? id.substring(4, 5).toUpperCase() : ".");
        }
        return sb.toString();
    }

    @Test
    void everyApplianceStateAndRiskLightsTheDocumentedLamps() {
        BlinkingLights lights = BlinkingLights.manual(Pi4jLights.open(pi4j, PINS, false), "lamps");
        PanelListener listener = new PanelListener(lights, new ConsoleDisplay(nullStream()),
                new Fixtures.RecordingBuzzer(), "dev", "models");
        assertEquals("...", lit(), "all off until told");

        listener.stateChanged(Fixtures.state(ApplianceState.READY));
        assertEquals("G..", lit(), "READY");
        lights.tick();
        assertEquals("G..", lit(), "READY: steady");
        // busy states: amber blinking
        for (ApplianceState busy : List.of(ApplianceState.BOOTING, ApplianceState.SELF_TEST, ApplianceState.CAPTURING,
                ApplianceState.ANALYSING)) {
            listener.stateChanged(Fixtures.state(busy));
            assertEquals(".A.", lit(), busy + ": amber on first");
            lights.tick();
            assertEquals("...", lit(), busy + ": then off");
            lights.tick();
            assertEquals(".A.", lit(), busy + ": then on again");
        }
        // FAULT: red blinking
        listener.stateChanged(Fixtures.state(ApplianceState.FAULT));
        assertEquals("..R", lit());
        lights.tick();
        assertEquals("...", lit());
        // RESULT alone changes nothing; the result itself sets the lamps, steadily
        listener.stateChanged(Fixtures.state(ApplianceState.RESULT));
        Object[][] results = {
                {Risk.LOW, "G.."}, {Risk.REFER, "..R"}, {Risk.RETAKE, ".A."},
        };
        for (Object[] row : results) {
            listener.resultReady(Fixtures.outcome((Risk) row[0], 0.2f, 5.0, List.of()));
            assertEquals(row[1], lit(), row[0] + "");
            lights.tick();
            assertEquals(row[1], lit(), row[0] + " after a blink tick");
        }
        lights.close();
        assertEquals("...", lit(), "closing switches the lamps off");
    }

    @Test
    void activeLowLampsAreLitByALowPin() {
        BlinkingLights lights = BlinkingLights.manual(Pi4jLights.open(pi4j, PINS, true), "lamps");
        lights.show(LightPattern.REFER);
        assertEquals(DigitalState.HIGH, pi4j.<DigitalOutput>io("led-green").state());
        assertEquals(DigitalState.HIGH, pi4j.<DigitalOutput>io("led-amber").state());
        assertEquals(DigitalState.LOW, pi4j.<DigitalOutput>io("led-red").state());
    }

    @Test
    void theMockButtonGivesCaptureOnAShortPressAndOneCancelWhenHeld() {
        AtomicLong clock = new AtomicLong();
        Pi4jButton button = Pi4jButton.open(pi4j, 23, true, Duration.ofMillis(30), Duration.ofMillis(1500),
                clock::get, false);
        MockDigitalInput pin = pi4j.io("button-23");
        List<ButtonEvent> events = new ArrayList<>();
        button.onEvent(events::add);
        pin.mockState(DigitalState.HIGH); // released: pulled up
        runFor(button, clock, 100);

        pin.mockState(DigitalState.LOW);  // pressed, with bounce
        runFor(button, clock, 2);
        pin.mockState(DigitalState.HIGH);
        runFor(button, clock, 3);
        pin.mockState(DigitalState.LOW);
        runFor(button, clock, 200);
        pin.mockState(DigitalState.HIGH);
        runFor(button, clock, 100);
        assertEquals(List.of(ButtonEvent.SHORT_PRESS), events);

        pin.mockState(DigitalState.LOW);  // held for two minutes
        runFor(button, clock, 120_000);
        pin.mockState(DigitalState.HIGH);
        runFor(button, clock, 100);
        assertEquals(List.of(ButtonEvent.SHORT_PRESS, ButtonEvent.LONG_PRESS), events);
        button.close();
    }

    @Test
    void theBuzzerPlaysABeepsOnAndOffTimesAndEndsSilent() {
        List<Long> slept = new ArrayList<>();
        Pi4jBuzzer buzzer = Pi4jBuzzer.open(pi4j, 24, slept::add);
        DigitalOutput pin = pi4j.io("buzzer");
        List<DigitalState> states = new ArrayList<>();
        pin.addListener(e -> states.add(e.state()));
        buzzer.play(Beep.FAULT);
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH, DigitalState.LOW,
                DigitalState.HIGH, DigitalState.LOW), states);
        assertEquals(List.of(100L, 100L, 100L, 100L, 100L), slept);
        buzzer.close();
    }

    /** Lets {@code ms} pass on the fake clock, ticking every 10 ms as the button's thread does. */
    private static void runFor(Pi4jButton button, AtomicLong clock, long ms) {
        long end = clock.get() + ms * 1_000_000;
        while (clock.get() < end) {
            clock.set(Math.min(end, clock.get() + 10_000_000));
            button.tick();
        }
    }

    @Test
    void hardwareOpensEverythingThroughTheContextItIsGivenAndRunsTheLampTest() throws Exception {
        HardwareSettings s = HardwareSettings.parse(Map.of());
        try (Hardware hw = Hardware.open(s, nullStream(), settings -> pi4j)) {
            assertEquals("...", lit(), "lamp test over, all off");
            PanelListener listener = hw.listener("melanoscreen-07", "seg-v3 cls-v2");
            listener.resultReady(Fixtures.outcome(Risk.REFER, 0.71f, 7.4, List.of()));
            assertEquals("..R", lit());
            I2C oled = pi4j.io("oled");
            byte[] expected = expectedStream(new DisplayScreen.Result(Risk.REFER, 0.71f, 0.30, "7.4 mm"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < expected.length && System.nanoTime() < deadline) {
                got.writeBytes(MockPi4j.written(oled));
                Thread.sleep(10);
            }
            assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(
                    got.toByteArray()), "init and the REFER screen reach the OLED (on the display's own thread)");
            assertTrue(hw.button() != null);
            List<DigitalOutput> lamps = List.of(pi4j.io("led-green"), pi4j.io("led-amber"), pi4j.io("led-red"));
            hw.close();
            assertEquals(List.of(DigitalState.LOW, DigitalState.LOW, DigitalState.LOW),
                    lamps.stream().map(DigitalOutput::state).toList(), "closed: lamps off");
            assertEquals("00 ae 8d 10", java.util.HexFormat.ofDelimiter(" ").formatHex(MockPi4j.written(oled)),
                    "closed: OLED and charge pump off");
            assertTrue(pi4j.isShutdown(), "closed: Pi4J context shut down");
        } // closed a second time here: nothing happens
    }

    private static byte[] expectedStream(DisplayScreen screen) {
        Ssd1306Display reference = new Ssd1306Display(null, new ScreenRenderer(64), 0xCF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x00);
        out.writeBytes(reference.initSequence());
        MonoFrame frame = new ScreenRenderer(64).render(screen);
        for (int p = 0; p < 8; p++) {
            out.writeBytes(new byte[]{0x00, (byte) (0xB0 | p), 0x00, 0x10, 0x40});
            out.writeBytes(frame.page(p));
        }
        return out.toByteArray();
    }

    private static PrintStream nullStream() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
