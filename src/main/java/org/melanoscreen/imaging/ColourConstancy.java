package org.melanoscreen.imaging;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Shades of Gray colour constancy (Finlayson and Trezzi, 2004) for a 3-channel float image in [0, 255]: each
 * channel is to be scaled so that the image's Minkowski p-norm illuminant estimate becomes neutral grey.
 */
public final class ColourConstancy {
    private ColourConstancy() {
    }

    /**
     * The per-channel gains of the correction for a non-negative image; the caller applies them and clamps the
     * result to [0, 255].
     */
    public static double[] gains(Mat rgb, double p) {
        if (rgb.type() != CvType.CV_32FC3) {
            throw new IllegalArgumentException("Shades of Gray needs a 3-channel float image, got " + rgb);
        }
        double[] sums;
        try (MatScope scope = new MatScope()) {
            Mat powered = scope.mat();
            Core.pow(rgb, p, powered);
            sums = Core.sumElems(powered).val;
        }
        double pixels = rgb.total();
        double[] illuminant = new double[3];
        double norm = 0;
        for (int c = 0; c < 3; c++) {
            illuminant[c] = Math.pow(sums[c] / pixels, 1 / p);
            norm += illuminant[c] * illuminant[c];
        }
        norm = Math.sqrt(norm);
        double[] gain = new double[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = illuminant[c] > 0 ? norm / (Math.sqrt(3) * illuminant[c]) : 1;
        }
        return gain;
    }
}
