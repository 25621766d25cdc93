package org.melanoscreen.eval;

import org.melanoscreen.imaging.BinaryMask;

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
     * 0/1 resized bilinearly with half-pixel centres to the truth's size, lesion where above 0.5. Computed in double
     * precision with the recipe's expression and order ({@code common.upsample_mask}), not with a float32 library
     * resize: at non-integer scales (HAM10000's 200x150) some output pixels are exactly 0.5, and float32 rounding
     * decides them differently from one library to the next.
     */
    public static double[] overlapAtTruthResolution(BinaryMask predicted, BinaryMask truth) {
        return overlap(upsample(predicted, truth.width(), truth.height()), truth);
    }

    static BinaryMask upsample(BinaryMask mask, int width, int height) {
        if (mask.width() == width && mask.height() == height) {
            return mask;
        }
        Taps ys = Taps.of(height, mask.height());
        Taps xs = Taps.of(width, mask.width());
        byte[] in = mask.pixels();
        byte[] out = new byte[width * height];
        int w = mask.width();
        for (int y = 0; y < height; y++) {
            int r0 = ys.first[y] * w;
            int r1 = ys.second[y] * w;
            double wy = ys.weight[y];
            for (int x = 0; x < width; x++) {
                int c0 = xs.first[x];
                int c1 = xs.second[x];
                double wx = xs.weight[x];
                double top = in[r0 + c0] * (1 - wx) + in[r0 + c1] * wx;
                double bottom = in[r1 + c0] * (1 - wx) + in[r1 + c1] * wx;
                out[y * width + x] = (byte) (top * (1 - wy) + bottom * wy > 0.5 ? 1 : 0);
            }
        }
        return new BinaryMask(width, height, out);
    }

    /** Source indices and the second one's weight for each output index: s = max(0, (i + 0.5) * in / out - 0.5). */
    private record Taps(int[] first, int[] second, double[] weight) {
        static Taps of(int outSize, int inSize) {
            int[] first = new int[outSize];
            int[] second = new int[outSize];
            double[] weight = new double[outSize];
            for (int i = 0; i < outSize; i++) {
                double s = Math.max((i + 0.5) * inSize / outSize - 0.5, 0.0);
                first[i] = Math.min((int) Math.floor(s), inSize - 1);
                second[i] = Math.min(first[i] + 1, inSize - 1);
                weight[i] = s - first[i];
            }
            return new Taps(first, second, weight);
        }
    }

    public static double thresholdedJaccard(double jaccard) {
        return jaccard < ISIC_JACCARD_THRESHOLD ? 0 : jaccard;
    }
}
