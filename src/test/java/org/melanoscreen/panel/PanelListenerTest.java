package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.workflow.ApplianceState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PanelListenerTest {

    /** Records what it is shown; throws while {@code broken}. */
    private static class FlakyDisplay implements StatusDisplay {
        final List<DisplayScreen> shown = new ArrayList<>();
        volatile boolean broken;
        volatile int attempts;

        @Override
        public synchronized void show(DisplayScreen screen) {
            attempts++;
            if (broken) {
                throw new IllegalStateException("I2C write failed: remote I/O error");
            }
            shown.add(screen);
        }

        @Override
        public void close() {
        }
    }

    private static final class FlakyLights implements IndicatorLights {
        final List<LightPattern> shown = new ArrayList<>();
        boolean broken;

        @Override
        public void show(LightPattern pattern) {
            if (broken) {
                throw new IllegalStateException("GPIO line busy");
            }
            shown.add(pattern);
        }

        @Override
        public void lampTest() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void eachStateAndResultGetsItsScreen() {
        FlakyDisplay display = new FlakyDisplay();
        Fixtures.RecordingBuzzer buzzer = new Fixtures.RecordingBuzzer();
        PanelListener listener = new PanelListener(new FlakyLights(), display, buzzer, "dev-1", "seg-v3 cls-v2");
        listener.stateChanged(Fixtures.state(ApplianceState.BOOTING));
        listener.stateChanged(Fixtures.state(ApplianceState.SELF_TEST));
        listener.stateChanged(Fixtures.state(ApplianceState.READY));
        listener.stateChanged(Fixtures.state(ApplianceState.CAPTURING));
        listener.stateChanged(Fixtures.state(ApplianceState.ANALYSING));
        listener.stateChanged(Fixtures.state(ApplianceState.RESULT));
        listener.resultReady(Fixtures.outcome(Risk.LOW, 0.12f, 4.8, List.of()));
        listener.resultReady(Fixtures.outcome(Risk.RETAKE, null, null, List.of("no lesion found")));
        listener.resultReady(Fixtures.outcome(Risk.RETAKE, 0.2f, null, List.of()));
        listener.stateChanged(Fixtures.state(ApplianceState.FAULT));
        assertEquals(List.of(
                new DisplayScreen.Busy("Starting", "booting detail", 0, 2),
                new DisplayScreen.Busy("Self-test", "self_test detail", 1, 2),
                new DisplayScreen.Ready("dev-1", "seg-v3 cls-v2"),
                new DisplayScreen.Busy("Capturing", "capturing detail", 1, 3),
                new DisplayScreen.Busy("Analysing", "analysing detail", 2, 3),
                new DisplayScreen.Result(Risk.LOW, 0.12f, 0.30, "4.8 mm"),
                new DisplayScreen.Retake(List.of("no lesion found")),
                new DisplayScreen.Result(Risk.RETAKE, 0.2f, 0.30, null),
                new DisplayScreen.Fault("no camera", "check the dermatoscope's USB cable")), display.shown);
        assertEquals(List.of(Beep.ACKNOWLEDGE, Beep.DONE, Beep.DONE, Beep.DONE, Beep.FAULT), buzzer.beeps);
    }

    @Test
    void aFailingDisplayLampOrBuzzerNeverStopsTheListenerAndIsToldAgainOnTheNextEvent() {
        FlakyDisplay display = new FlakyDisplay();
        FlakyLights lights = new FlakyLights();
        Fixtures.RecordingBuzzer buzzer = new Fixtures.RecordingBuzzer();
        PanelListener listener = new PanelListener(lights, display, buzzer, "dev-1", "m");
        display.broken = true;
        lights.broken = true;
        buzzer.broken = true;
        for (int i = 0; i < 20; i++) {
            assertDoesNotThrow(() -> listener.stateChanged(Fixtures.state(ApplianceState.CAPTURING)));
            assertDoesNotThrow(() -> listener.resultReady(Fixtures.outcome(Risk.REFER, 0.9f, 6.0, List.of())));
        }
        assertEquals(40, display.attempts, "tried again on every event");
        display.broken = false;
        lights.broken = false;
        listener.stateChanged(Fixtures.state(ApplianceState.READY));
        assertEquals(List.of(new DisplayScreen.Ready("dev-1", "m")), display.shown);
        assertEquals(List.of(LightPattern.READY), lights.shown, "the lamps caught up too: the lamps show READY");
    }

    @Test
    void theAsyncDisplayRetriesAFailedScreenByItselfAndShowsOnlyTheLatest() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        FlakyDisplay inner = new FlakyDisplay() {
            @Override
            public synchronized void show(DisplayScreen screen) {
                super.show(screen);
                written.countDown();
            }
        };
        inner.broken = true;
        AsyncDisplay display = new AsyncDisplay(inner, "test display", Duration.ofMillis(20));
        display.show(new DisplayScreen.Busy("Capturing", "", 1, 3));
        display.show(new DisplayScreen.Ready("dev-1", "m"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inner.attempts < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(inner.attempts >= 3, "retried while broken, with no new screen: " + inner.attempts + " attempts");
        inner.broken = false;
        assertTrue(written.await(5, TimeUnit.SECONDS), "shown once the display works again, without a new event");
        display.close();
        assertEquals(new DisplayScreen.Ready("dev-1", "m"), inner.shown.get(inner.shown.size() - 1));
    }
}
