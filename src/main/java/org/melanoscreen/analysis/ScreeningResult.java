package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;

import java.util.List;
import java.util.Map;

/**
 * The outcome of screening one frame.
 *
 * @param melanomaProbability null when the classifier did not run (no lesion found)
 * @param classProbabilities  the classifier's probabilities per class name, empty when it did not run
 * @param measurements        null when no lesion was found
 * @param quality             the quality gate's figures and verdict
 * @param region              the frame region {x0, y0, x1, y1} the classifier saw, null when it did not run
 * @param mask                the lesion mask at the segmenter's resolution
 * @param oodScore            the classifier's out-of-distribution score of the crop; NaN when it did not run or
 *                            has no such check
 */
public record ScreeningResult(
        String source,
        Risk risk,
        List<String> reasons,
        Float melanomaProbability,
        double referralThreshold,
        Map<String, Float> classProbabilities,
        LesionMeasurements measurements,
        QualityReport quality,
        int frameWidth,
        int frameHeight,
        int[] region,
        BinaryMask mask,
        double oodScore,
        Map<String, Double> timingsMs) {
}
