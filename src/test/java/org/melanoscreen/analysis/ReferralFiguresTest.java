package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferralFiguresTest {
    @Test
    void aLowNeverReadsAsTheThreshold() {
        assertEquals("p=0.1456 refer>=0.146", ReferralFigures.of(0.1456, 0.146).compact());
        assertEquals("p=0.1456 (refer at >= 0.146)", ReferralFigures.of(0.1456, 0.146).sentence());
        assertEquals("p=0.149 refer>=0.15", ReferralFigures.of(0.149, 0.15).compact());
        assertEquals("p<0.146 refer>=0.146", ReferralFigures.of(0.146f, 0.146).compact(),
                "0.146f is just below 0.146 as a double: LOW, so it must not read as equal");
    }

    @Test
    void clearCasesKeepTwoDecimals() {
        assertEquals("p=0.12 refer>=0.30", ReferralFigures.of(0.12, 0.30).compact());
        assertEquals("p=0.71 refer>=0.30", ReferralFigures.of(0.71, 0.30).compact());
        assertEquals("p=0.15 refer>=0.15", ReferralFigures.of(0.1464, 0.146).compact(), "REFER: p >= threshold");
    }

    @Test
    void thePrintedNumbersAlwaysOrderAsThePolicyDecides() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            double threshold = 0.01 + 0.98 * random.nextDouble();
            double probability = threshold + (random.nextDouble() - 0.5) * Math.pow(10, -1 - random.nextInt(6));
            ReferralFigures f = ReferralFigures.of(probability, threshold);
            double shownThreshold = Double.parseDouble(f.threshold());
            if (probability < threshold) {
                assertTrue(f.probability().startsWith("p<")
                        || Double.parseDouble(f.probability().substring(2)) < shownThreshold, f.compact());
            } else {
                assertTrue(Double.parseDouble(f.probability().substring(2)) >= shownThreshold, f.compact());
            }
            assertTrue(f.compact().length() <= 21, f.compact() + ": longer than a display line");
        }
    }

    @Test
    void theOverlayCaptionUsesTheSameFigures() {
        ScreeningResult low = new ScreeningResult("x", Risk.LOW, List.of(), 0.1456f, 0.146, Map.of(), null, null,
                640, 480, null, null, Double.NaN, Map.of());
        assertEquals("LOW  p=0.1456 (refer at >= 0.146)", OverlayRenderer.label(low));
    }
}
