package org.melanoscreen.analysis;

import org.melanoscreen.settings.Range;

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
 * @param oodCheck          whether a crop the classifier's out-of-distribution check rejects is RETAKE "not a
 *                          dermoscopic lesion image"; off only for the demo, whose simulated lesions it rejects
 */
public record LesionSettings(double minAreaFraction, double maxAreaFraction, double borderMarginPx,
                             double maxOtherLesion, double minConfidence, double minContrast, double minTexture,
                             boolean oodCheck) {

    public static final Range AREA = Range.closed(0, 1);
    public static final Range BORDER_MARGIN_PX = Range.closed(0, 1000);
    public static final Range SECOND_LESION = Range.aboveUpTo(0, 1);
    public static final Range CONFIDENCE = Range.closed(0, 1);
    public static final Range CONTRAST = Range.closed(0, 100);
    public static final Range TEXTURE = Range.closed(0, 128);

    public static final LesionSettings DEFAULT = new LesionSettings(0.01, 0.85, 4, 0.25, 0.75, 3, 5, true);

    public LesionSettings {
        AREA.check("smallest lesion area", minAreaFraction);
        AREA.check("largest lesion area", maxAreaFraction);
        if (minAreaFraction >= maxAreaFraction) {
            throw new IllegalArgumentException("the smallest lesion area must be below the largest");
        }
        BORDER_MARGIN_PX.check("lesion border margin (px)", borderMarginPx);
        SECOND_LESION.check("largest second lesion", maxOtherLesion);
        CONFIDENCE.check("lowest lesion confidence", minConfidence);
        CONTRAST.check("lowest lesion contrast", minContrast);
        TEXTURE.check("lowest lesion texture", minTexture);
    }

    public LesionSettings withArea(double min, double max) {
        return new LesionSettings(min, max, borderMarginPx, maxOtherLesion, minConfidence, minContrast, minTexture,
                oodCheck);
    }
}
