package org.melanoscreen.eval;

import org.melanoscreen.analysis.Risk;

import java.util.List;

/**
 * Figures for one evaluated data set. Classification figures are NaN when one class is missing; segmentation
 * figures (at the ground truth's resolution) are NaN when no image had a ground-truth mask. {@code outcomes} is
 * what the device would have shown for each image, by true class.
 */
public record EvalReport(
        int images,
        int failed,
        int melanomas,
        double auc,
        double[] aucCi,
        double threshold,
        double sensitivity,
        double specificity,
        double f1,
        double logLoss,
        double balancedAccuracy,
        double ece,
        int masks,
        double dice,
        double jaccard,
        double thresholdedJaccard,
        Outcomes outcomes,
        List<Row> rows) {

    /**
     * One image's outcome; {@code error} is non-null (and {@code outcome} null) for an image that could not be
     * evaluated. {@code outcome} is what the device shows (REFER / LOW / RETAKE); {@code probability} is the
     * classifier's even where the device would not classify (whole frame when no lesion was found).
     */
    public record Row(String id, int melanoma, double probability, Risk outcome, int maskArea, double dice,
                      double jaccard, String error) {
    }

    /** How many images of each true class the device would REFER, call LOW or ask to RETAKE. */
    public record Outcomes(int[] melanoma, int[] other) {
        static Outcomes of(List<Row> rows) {
            int[] melanoma = new int[Risk.values().length];
            int[] other = new int[Risk.values().length];
            for (Row r : rows) {
                if (r.outcome() != null) {
                    (r.melanoma() == 1 ? melanoma : other)[r.outcome().ordinal()]++;
                }
            }
            return new Outcomes(melanoma, other);
        }

        public int count(boolean isMelanoma, Risk risk) {
            return (isMelanoma ? melanoma : other)[risk.ordinal()];
        }
    }
}
