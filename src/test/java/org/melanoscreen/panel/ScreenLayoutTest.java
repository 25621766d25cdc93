package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.workflow.Fault;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the screens say, beyond how they look (the snapshots). */
class ScreenLayoutTest {
    private static final int LINES_64 = 5;
    private static final int LINES_32 = 4;

    @Test
    void everyFaultIsShownWholeOnTheLargeDisplay() {
        for (Fault fault : Fault.values()) {
            List<String> lines = ScreenRenderer.faultLines(new DisplayScreen.Fault(fault.label(), fault.action()), true);
            assertTrue(lines.size() <= LINES_64, fault + " needs " + lines);
            assertEquals(fault.label() + " " + fault.action(), String.join(" ", lines), fault.name());
        }
    }

    @Test
    void theNoCameraFaultFitsTheSmallDisplay() {
        List<String> lines = ScreenRenderer.faultLines(
                new DisplayScreen.Fault(Fault.NO_CAMERA.label(), Fault.NO_CAMERA.action()), false);
        assertEquals(List.of("no camera", "check the", "dermatoscope's USB", "cable"), lines);
        assertTrue(lines.size() <= LINES_32);
    }

    @Test
    void resultLinesTellProbabilityAndThresholdApart() {
        assertEquals("p=0.1456 refer>=0.146",
                new DisplayScreen.Result(Risk.LOW, 0.1456f, 0.146, null).lines().get(1));
    }

    @Test
    void wrapFillsNarrowLinesFirst() {
        assertEquals(List.of("abc", "defgh ij", "klmnopqr", "st"), ScreenRenderer.wrap("abc defgh ij klmnopqrst", 4, 1, 8));
    }
}
