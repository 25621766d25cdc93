package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.melanoscreen.panel.ButtonEvent.LONG_PRESS;
import static org.melanoscreen.panel.ButtonEvent.SHORT_PRESS;

class ButtonDebouncerTest {
    private static final long MS = 1_000_000L;

    /** Drives a debouncer with edges at given milliseconds and polls every 10 ms, as Pi4jButton does. */
    private static final class Script {
        final ButtonDebouncer debouncer;
        final List<ButtonEvent> events = new ArrayList<>();
        final List<Long> eventTimes = new ArrayList<>();
        long now;

        Script(boolean pressedAtStart) {
            debouncer = new ButtonDebouncer(Duration.ofMillis(30), Duration.ofMillis(1500), pressedAtStart, 0);
        }

        Script edge(boolean pressed, long atMs) {
            advanceTo(atMs);
            record(debouncer.edge(pressed, atMs * MS));
            return this;
        }

        Script advanceTo(long ms) {
            for (long t = now + 10 - now % 10; t < ms; t += 10) {
                now = t;
                record(debouncer.poll(t * MS));
            }
            now = ms;
            return this;
        }

        private void record(List<ButtonEvent> es) {
            es.forEach(e -> {
                events.add(e);
                eventTimes.add(now);
            });
        }
    }

    @Test
    void aCleanShortPressIsOneShortPressOnRelease() {
        Script s = new Script(false).edge(true, 100).edge(false, 300).advanceTo(1000);
        assertEquals(List.of(SHORT_PRESS), s.events);
        assertEquals(330, s.eventTimes.get(0), "told once the release has held for the debounce time");
    }

    @Test
    void bounceWithinTheDebounceWindowIsIgnored() {
        Script s = new Script(false)
                .edge(true, 100).edge(false, 103).edge(true, 105).edge(false, 109).edge(true, 112) // contact bounce
                .edge(false, 400).edge(true, 404).edge(false, 407)                              // release bounce
                .advanceTo(2000);
        assertEquals(List.of(SHORT_PRESS), s.events);
    }

    @Test
    void aGlitchShorterThanTheDebounceTimeIsNoPress() {
        Script s = new Script(false).edge(true, 100).edge(false, 120).advanceTo(5000);
        assertEquals(List.of(), s.events);
    }

    @Test
    void holdingIsOneLongPressToldWhileStillHeldAndTheReleaseSaysNothing() {
        Script s = new Script(false).edge(true, 100).advanceTo(1700);
        assertEquals(List.of(LONG_PRESS), s.events);
        assertEquals(1600, s.eventTimes.get(0), "1500 ms after the press began");
        s.edge(false, 2500).advanceTo(4000);
        assertEquals(List.of(LONG_PRESS), s.events, "no capture when a long press ends");
    }

    @Test
    void justBelowTheLongPressTimeIsStillAShortPress() {
        Script s = new Script(false).edge(true, 100).edge(false, 1590).advanceTo(3000);
        assertEquals(List.of(SHORT_PRESS), s.events);
    }

    @Test
    void aButtonStuckForMinutesGivesOneLongPressAndNoCaptureSpamThenReArmsWhenReleased() {
        Script s = new Script(false).edge(true, 100);
        for (long t = 200; t < 10 * 60_000; t += 7) {  // ten minutes held, with the odd bounce seen as "still held"
            s.edge(true, t);
        }
        assertEquals(List.of(LONG_PRESS), s.events);
        s.edge(false, 600_100).advanceTo(601_000);
        assertEquals(List.of(LONG_PRESS), s.events);
        s.edge(true, 602_000).edge(false, 602_200).advanceTo(603_000);
        assertEquals(List.of(LONG_PRESS, SHORT_PRESS), s.events, "works normally once released");
    }

    @Test
    void aButtonAlreadyDownAtStartGivesNothingUntilReleasedAndPressedAgain() {
        Script s = new Script(true).advanceTo(60_000);
        assertEquals(List.of(), s.events);
        s.edge(false, 60_000).advanceTo(61_000).edge(true, 62_000).edge(false, 62_100).advanceTo(63_000);
        assertEquals(List.of(SHORT_PRESS), s.events);
    }

    @Test
    void twoPressesAreTwoShortPresses() {
        Script s = new Script(false).edge(true, 100).edge(false, 250).edge(true, 600).edge(false, 700)
                .advanceTo(2000);
        assertEquals(List.of(SHORT_PRESS, SHORT_PRESS), s.events);
    }

    @Test
    void aLongPressNoLongerThanTheDebounceTimeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ButtonDebouncer(Duration.ofMillis(50), Duration.ofMillis(50), false, 0));
        assertEquals("need 0 <= debounce < long press, got 50 ms and 50 ms", e.getMessage());
    }
}
