package org.melanoscreen.model;

/** Output activations named by manifests. */
public final class Activations {
    private Activations() {
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * The smallest float x whose {@link #sigmoid} reaches {@code p} (for p in [0, 1]). The sigmoid as computed is
     * non-decreasing over the floats (Math.exp is semi-monotonic, division and rounding to float are monotonic),
     * so for every float x: {@code x >= lowestLogitReaching(p)} exactly when {@code sigmoid(x) >= p}, and a
     * probability map can be thresholded on its logits without an exp per pixel.
     */
    public static float lowestLogitReaching(float p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability threshold must be in [0, 1], got " + p);
        }
        long lo = ordinal(Float.NEGATIVE_INFINITY);
        long hi = ordinal(Float.POSITIVE_INFINITY);
        while (lo < hi) {
            long mid = (lo + hi) >> 1;
            if (sigmoid(fromOrdinal(mid)) >= p) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return fromOrdinal(lo);
    }

    /** Floats in value order as integers (-0 and +0 both 0), for searching over every float. */
    private static long ordinal(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    private static float fromOrdinal(long ordinal) {
        return Float.intBitsToFloat((int) (ordinal < 0 ? Integer.MIN_VALUE - ordinal : ordinal));
    }

    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
