package org.melanoscreen.eval;

import org.melanoscreen.imaging.BinaryMask;

/**
 * Per-image overlap of a predicted and a ground-truth mask of the same size. Two empty masks agree perfectly (1).
 * The ISIC 2017 thresholded Jaccard counts an image with Jaccard below 0.65 as 0.
 */
public final class SegmentationMetrics {
    public static final double ISIC_JACCARD_THRESHOLD = 0.65;

    private SegmentationMetrics() {
    }

    /** {dice, jaccard} of two masks of equal size. */
    public static double[] overlap(BinaryMask predicted, BinaryMask truth) {
        if (predicted.width() != truth.width() || predicted.height() != truth.height()) {
            throw new IllegalArgumentException("masks differ in size");
        }
        byte[] a = predicted.pixels();
        byte[] b = truth.pixels();
        long inter = 0, sumA = 0, sumB = 0;
        for (int i = 0; i < a.length; i++) {
            inter += a[i] & b[i];
            sumA += a[i];
            sumB += b[i];
        }
        long union = sumA + sumB - inter;
        if (union == 0) {
            return new double[]{1, 1};
        }
        return new double[]{2.0 * inter / (sumA + sumB), (double) inter / union};
    }

    public static double thresholdedJaccard(double jaccard) {
        return jaccard < ISIC_JACCARD_THRESHOLD ? 0 : jaccard;
    }
}
