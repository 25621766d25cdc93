package org.melanoscreen.eval;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.MatScope;
import org.melanoscreen.imaging.OpenCvLoader;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Per-image overlap of a predicted and a ground-truth mask. Two empty masks agree perfectly (1).
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

    /**
     * {dice, jaccard} as the ISIC challenge scores them, at the ground truth's resolution: the predicted mask as
     * float 0/1, upsampled bilinearly (OpenCV INTER_LINEAR, half-pixel centres) to the truth's size, lesion where
     * above 0.5 (the recipe's {@code evaluate.py} does the same).
     */
    public static double[] overlapAtTruthResolution(BinaryMask predicted, BinaryMask truth) {
        return overlap(upsample(predicted, truth.width(), truth.height()), truth);
    }

    static BinaryMask upsample(BinaryMask mask, int width, int height) {
        if (mask.width() == width && mask.height() == height) {
            return mask;
        }
        OpenCvLoader.load();
        try (MatScope scope = new MatScope()) {
            Mat bytes = scope.add(new Mat(mask.height(), mask.width(), CvType.CV_8UC1));
            bytes.put(0, 0, mask.pixels());
            Mat floats = scope.mat();
            bytes.convertTo(floats, CvType.CV_32F);
            Mat sized = scope.mat();
            Imgproc.resize(floats, sized, new Size(width, height), 0, 0, Imgproc.INTER_LINEAR);
            Mat binary = scope.mat();
            Imgproc.threshold(sized, binary, 0.5, 1, Imgproc.THRESH_BINARY);
            Mat out = scope.mat();
            binary.convertTo(out, CvType.CV_8U);
            byte[] pixels = new byte[width * height];
            out.get(0, 0, pixels);
            return new BinaryMask(width, height, pixels);
        }
    }

    public static double thresholdedJaccard(double jaccard) {
        return jaccard < ISIC_JACCARD_THRESHOLD ? 0 : jaccard;
    }
}
