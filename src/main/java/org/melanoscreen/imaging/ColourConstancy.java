package org.melanoscreen.imaging;

/**
 * Shades of Gray colour constancy (Finlayson and Trezzi, 2004) on an interleaved RGB float image in [0, 255]:
 * each channel is scaled so that the image's Minkowski p-norm illuminant estimate becomes neutral grey.
 */
public final class ColourConstancy {
    private ColourConstancy() {
    }

    public static void shadesOfGray(float[] rgb, double p) {
        int pixels = rgb.length / 3;
        double[] sums = new double[3];
        int integerPower = p == Math.rint(p) && p <= 16 ? (int) p : 0;
        for (int i = 0; i < rgb.length; i++) {
            sums[i % 3] += integerPower > 0 ? power(rgb[i], integerPower) : Math.pow(rgb[i], p);
        }
        double[] illuminant = new double[3];
        double norm = 0;
        for (int c = 0; c < 3; c++) {
            illuminant[c] = Math.pow(sums[c] / pixels, 1 / p);
            norm += illuminant[c] * illuminant[c];
        }
        norm = Math.sqrt(norm);
        float[] gain = new float[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = illuminant[c] > 0 ? (float) (norm / (Math.sqrt(3) * illuminant[c])) : 1f;
        }
        for (int i = 0; i < rgb.length; i++) {
            float v = rgb[i] * gain[i % 3];
            rgb[i] = v > 255f ? 255f : Math.max(v, 0f);
        }
    }

    private static double power(double v, int n) {
        double r = 1;
        for (int i = 0; i < n; i++) {
            r *= v;
        }
        return r;
    }
}
