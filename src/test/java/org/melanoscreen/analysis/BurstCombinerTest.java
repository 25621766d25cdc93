package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BurstCombinerTest {
    private static final RiskPolicy POLICY = new RiskPolicy(0.146);

    private static ScreeningResult frame(Float p, String source) {
        QualityReport quality = new QualityReport(true, List.of(), 0.5, 0, 0, 120, 0.05, 0.01, 0.1,
                new LesionFindings(true, List.of(), 0.95, 20, 15, 0, 40, 0.05));
        Risk risk = p == null ? Risk.RETAKE : p >= 0.146 ? Risk.REFER : Risk.LOW;
        List<String> reasons = p == null ? List.of("not a dermoscopic lesion image") : List.of();
        return new ScreeningResult(source, risk, reasons, p, 0.146, p == null ? Map.of() : Map.of("melanoma", p),
                null, quality, 256, 192, p == null ? null : new int[]{0, 0, 10, 10}, BinaryMask.empty(4, 4), 1.0,
                Map.of());
    }

    private static List<ScreeningResult> frames(Float... p) {
        List<ScreeningResult> out = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            out.add(frame(p[i], "frame " + i));
        }
        return out;
    }

    @Test
    void aFrameAboveTheThresholdIsNeverHiddenByTheMedian() {
        BurstCombiner.Combined c = BurstCombiner.combine(frames(0.137f, 0.220f, 0.139f), POLICY);
        assertEquals(Risk.REFER, c.result().risk());
        assertEquals(0.220f, c.result().melanomaProbability());
        assertEquals(1, c.shown(), "reported with the frame that refers");
        assertEquals("frame 1", c.result().source());
        assertEquals("frames disagree: 1 of 3 at or above the referral threshold", c.result().reasons().get(0));
        assertEquals(List.of(0.137f, 0.220f, 0.139f), c.probabilities(), "every frame's probability");
    }

    @Test
    void agreeingFramesAreReportedByTheirMedian() {
        BurstCombiner.Combined low = BurstCombiner.combine(frames(0.02f, 0.10f, 0.05f), POLICY);
        assertEquals(Risk.LOW, low.result().risk());
        assertEquals(0.05f, low.result().melanomaProbability());
        assertEquals(2, low.shown());
        BurstCombiner.Combined refer = BurstCombiner.combine(frames(0.9f, 0.2f, 0.5f), POLICY);
        assertEquals(Risk.REFER, refer.result().risk());
        assertEquals(0.5f, refer.result().melanomaProbability(), "one high frame does not move the value shown");
        assertEquals(List.of(), refer.result().reasons());
    }

    @Test
    void aFrameWithoutAProbabilityMakesTheCaptureARetake() {
        BurstCombiner.Combined c = BurstCombiner.combine(frames(0.02f, null, 0.05f), POLICY);
        assertEquals(Risk.RETAKE, c.result().risk());
        assertNull(c.result().melanomaProbability());
        assertEquals(1, c.shown());
        assertEquals(List.of("not a dermoscopic lesion image (1 of 3 frames)"), c.result().reasons());
        assertTrue(c.result().classProbabilities().isEmpty());
    }

    @Test
    void medianOfAnEvenCount() {
        assertEquals(0.15f, BurstCombiner.median(List.of(0.1f, 0.2f)), 1e-7);
    }
}
