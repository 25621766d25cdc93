package org.melanoscreen.analysis;

/**
 * What the quality gate asks of the segmented lesion before a frame may give LOW. The defaults were measured on the
 * ISIC 2017 and HAM10000 validation images and on generated frames without a lesion (README, "Lesion checks").
 *
 * @param minAreaFraction   smallest lesion, as a share of the frame
 * @param maxAreaFraction   largest lesion, as a share of the frame
 * @param borderMarginPx    a lesion whose mask comes closer than this to the frame's edge (frame pixels) may be cut
 *                          off by it
 * @param maxOtherLesion    largest second lesion-like component, as a share of the lesion's area, before the frame
 *                          counts as showing more than one lesion
 * @param minConfidence     lowest mean segmenter confidence inside the mask for a lesion to count as present
 * @param minContrast       lowest colour difference (CIE76 delta E) between the lesion and the skin around it for a
 *                          lesion to count as present
 * @param minTexture        lowest spread (standard deviation of the brightness, 0-255) inside the lesion for it to
 *                          count as present: flat objects such as stickers have almost none
 */
public record LesionSettings(double minAreaFraction, double maxAreaFraction, double borderMarginPx,
                             double maxOtherLesion, double minConfidence, double minContrast, double minTexture) {

    public static final LesionSettings DEFAULT = new LesionSettings(0.01, 0.85, 4, 0.25, 0.75, 3, 5);

    public LesionSettings {
        if (!(minAreaFraction >= 0 && minAreaFraction < maxAreaFraction && maxAreaFraction <= 1)) {
            throw new IllegalArgumentException("lesion area range must satisfy 0 <= min < max <= 1");
        }
        if (!(borderMarginPx >= 0 && borderMarginPx <= 1000)) {
            throw new IllegalArgumentException("border margin must be 0-1000 frame pixels, was " + borderMarginPx);
        }
        if (!(maxOtherLesion > 0 && maxOtherLesion <= 1)) {
            throw new IllegalArgumentException("second-lesion share must be in (0, 1], was " + maxOtherLesion);
        }
        if (!(minConfidence >= 0 && minConfidence < 1)) {
            throw new IllegalArgumentException("lesion confidence must be in [0, 1), was " + minConfidence);
        }
        if (!(minContrast >= 0 && minContrast <= 100)) {
            throw new IllegalArgumentException("lesion contrast must be 0-100 (delta E), was " + minContrast);
        }
        if (!(minTexture >= 0 && minTexture <= 128)) {
            throw new IllegalArgumentException("lesion texture must be 0-128, was " + minTexture);
        }
    }

    public LesionSettings withArea(double min, double max) {
        return new LesionSettings(min, max, borderMarginPx, maxOtherLesion, minConfidence, minContrast, minTexture);
    }
}
