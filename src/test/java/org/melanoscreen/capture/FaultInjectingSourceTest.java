package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingSourceTest {
    private static FrameSource simulated() {
        return new SimulatedDermatoscope(new SimulatedDermatoscope.Settings(64, 64, 30, 1, 100), new FakeTicker());
    }

    private static byte[] grab(FrameSource source) throws CaptureException {
        try (Frame f = source.grab()) {
            return f.rgbBytes();
        }
    }

    @Test
    void failsForTheWindowThenRecovers() throws Exception {
        try (FrameSource source = new FaultInjectingSource(simulated(), FaultInjectingSource.Fault.FAIL, 3, 2)) {
            grab(source);
            grab(source);
            for (int i = 3; i <= 4; i++) {
                CaptureException e = assertThrows(CaptureException.class, source::grab);
                assertTrue(e.getMessage().startsWith("simulated dermatoscope 64x64"), e.getMessage());
                assertTrue(e.getMessage().endsWith("injected failure (grab " + i + ")"), e.getMessage());
            }
            grab(source);
            assertTrue(source.describe().endsWith("with fail injected at grabs 3..4"), source.describe());
        }
    }

    @Test
    void freezesForTheWindowThenMovesOn() throws Exception {
        try (FrameSource source = new FaultInjectingSource(simulated(), FaultInjectingSource.Fault.FREEZE, 2, 3)) {
            byte[] first = grab(source);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(first, grab(source));
            }
            assertFalse(Arrays.equals(first, grab(source)));
        }
    }
}
