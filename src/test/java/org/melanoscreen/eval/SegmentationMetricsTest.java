package org.melanoscreen.eval;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentationMetricsTest {

    @Test
    void diceAndJaccardByHand() {
        BinaryMask a = new BinaryMask(4, 1, new byte[]{1, 1, 1, 0});
        BinaryMask b = new BinaryMask(4, 1, new byte[]{0, 1, 1, 1});
        assertArrayEquals(new double[]{4.0 / 6, 2.0 / 4}, SegmentationMetrics.overlap(a, b), 1e-12);
    }

    @Test
    void twoEmptyMasksAgree() {
        assertArrayEquals(new double[]{1, 1},
                SegmentationMetrics.overlap(BinaryMask.empty(3, 3), BinaryMask.empty(3, 3)), 0);
    }

    @Test
    void thresholdedJaccardZeroesBelowIsicCutOff() {
        assertEquals(0, SegmentationMetrics.thresholdedJaccard(0.649), 0);
        assertEquals(0.65, SegmentationMetrics.thresholdedJaccard(0.65), 0);
    }
}
