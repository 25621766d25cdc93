package org.melanoscreen.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryMetricsTest {
    private static final double[] SCORES = {0.9, 0.8, 0.8, 0.4, 0.3, 0.1};
    private static final int[] LABELS = {1, 1, 0, 1, 0, 0};

    @Test
    void aucCountsTiesAsHalf() {
        // positive/negative pairs: (0.9>all 3)=3, (0.8: >0.3,>0.1, tie 0.8)=2.5, (0.4: >0.3,>0.1)=2 -> 7.5/9
        assertEquals(7.5 / 9, BinaryMetrics.auc(SCORES, LABELS), 1e-12);
    }

    @Test
    void aucUndefinedWithOneClass() {
        assertTrue(Double.isNaN(BinaryMetrics.auc(new double[]{0.2, 0.3}, new int[]{1, 1})));
    }

    @Test
    void confusionAndDerivedFiguresAtThreshold() {
        long[] c = BinaryMetrics.confusion(SCORES, LABELS, 0.8);
        assertArrayEquals(new long[]{2, 1, 2, 1}, c);
        assertEquals(2.0 / 3, BinaryMetrics.sensitivity(c), 1e-12);
        assertEquals(2.0 / 3, BinaryMetrics.specificity(c), 1e-12);
        assertEquals(4.0 / 6, BinaryMetrics.f1(c), 1e-12);
        assertEquals(2.0 / 3, BinaryMetrics.balancedAccuracy(c), 1e-12);
    }

    @Test
    void logLossClipsCertainMistakes() {
        double expected = (-Math.log(0.9) - Math.log(1e-7)) / 2;
        assertEquals(expected, BinaryMetrics.logLoss(new double[]{0.9, 0.0}, new int[]{1, 1}), 1e-9);
    }

    @Test
    void eceOverEqualWidthBins() {
        // bin 9: p 0.9 and 1.0 (labels 1,0): |0.95-0.5|=0.45 * 2/4; bin 1: p 0.1,0.1 (labels 0,0): 0.1 * 2/4
        double ece = BinaryMetrics.expectedCalibrationError(new double[]{0.9, 1.0, 0.1, 0.1}, new int[]{1, 0, 0, 0});
        assertEquals(0.45 * 0.5 + 0.1 * 0.5, ece, 1e-12);
    }

    @Test
    void percentileInterpolatesLikeNumpy() {
        double[] v = {1, 2, 3, 4};
        assertEquals(1.075, BinaryMetrics.percentile(v, 2.5), 1e-12);
        assertEquals(3.925, BinaryMetrics.percentile(v, 97.5), 1e-12);
    }

    @Test
    void bootstrapIntervalBracketsTheAucAndIsReproducible() {
        double[] ci = BinaryMetrics.aucConfidenceInterval(SCORES, LABELS, 0);
        assertTrue(ci[0] <= BinaryMetrics.auc(SCORES, LABELS) && BinaryMetrics.auc(SCORES, LABELS) <= ci[1]);
        assertArrayEquals(ci, BinaryMetrics.aucConfidenceInterval(SCORES, LABELS, 0));
    }

    @Test
    void rocCurveGroupsTiedScores() {
        double[][] roc = BinaryMetrics.rocCurve(SCORES, LABELS);
        assertArrayEquals(new double[]{0, 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1}, roc[0], 1e-12);
        assertArrayEquals(new double[]{0, 1 / 3.0, 2 / 3.0, 1, 1, 1}, roc[1], 1e-12);
    }
}
