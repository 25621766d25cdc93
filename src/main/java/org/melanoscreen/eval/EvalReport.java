package org.melanoscreen.eval;

import java.util.List;

/**
 * Figures for one evaluated data set. Classification figures are NaN when one class is missing; segmentation
 * figures are NaN when no image had a ground-truth mask.
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
        List<Row> rows) {

    /** One image's outcome; {@code error} is non-null for an image that could not be evaluated. */
    public record Row(String id, int melanoma, double probability, int maskArea, double dice, double jaccard,
                      String error) {
    }
}
