package org.melanoscreen.analysis;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;
import org.melanoscreen.settings.Values;

import java.util.List;

/**
 * What the quality gate asks of the segmented lesion before a frame may give LOW, configured by the {@code lesion.*}
 * keys ({@link #KEYS}). The defaults were measured on the
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
 * @param maxFlatShare      largest share of the frame's pixels (at its own resolution, around its centre) without
 *                          any change of brightness to the next pixel right and below: a camera's picture of skin
 *                          always has noise and texture (ISIC 2017 and HAM10000 training images: at most 0.41), a
 *                          drawn or generated picture is flat almost everywhere (0.95 and above); above it the frame
 *                          is RETAKE "not a dermoscopic lesion image" and not classified
 * @param oodCheck          whether a crop the classifier's out-of-distribution check rejects is RETAKE "not a
 *                          dermoscopic lesion image"; off only for the demo, whose simulated lesions it rejects
 */
public record LesionSettings(double minAreaFraction, double maxAreaFraction, double borderMarginPx,
                             double maxOtherLesion, double minConfidence, double minContrast, double minTexture,
                             double maxFlatShare, boolean oodCheck) {

    public static final Range AREA = Range.closed(0, 1);
    public static final Range BORDER_MARGIN_PX = Range.closed(0, 1000);
    public static final Range SECOND_LESION = Range.aboveUpTo(0, 1);
    public static final Range CONFIDENCE = Range.closed(0, 1);
    public static final Range CONTRAST = Range.closed(0, 100);
    public static final Range TEXTURE = Range.closed(0, 128);
    public static final Range FLAT_SHARE = Range.aboveUpTo(0, 1);

    /** The keys with their defaults: the only place the defaults are written. */
    public static final List<Key> KEYS = List.of(
            Key.number("lesion.min_area", 0.01, AREA, "Smallest lesion (share of the image) that can be LOW."),
            Key.number("lesion.max_area", 0.85, AREA, "Largest lesion (share of the image) that can be LOW."),
            Key.number("lesion.border_margin_px", 4, BORDER_MARGIN_PX,
                    "Closest a LOW lesion may come to the frame edge (frame pixels)."),
            Key.number("lesion.max_second_lesion", 0.25, SECOND_LESION,
                    "Largest second lesion in view, as a share of the first."),
            Key.number("lesion.min_confidence", 0.75, CONFIDENCE,
                    "Lowest mean segmenter confidence for a lesion to be in view."),
            Key.number("lesion.min_contrast", 3, CONTRAST,
                    "Lowest lesion/skin colour difference (delta E) for a lesion to be in view."),
            Key.number("lesion.min_texture", 5, TEXTURE,
                    "Lowest brightness spread (0-255) inside a lesion for it to be in view."),
            Key.number("lesion.max_flat_share", 0.6, FLAT_SHARE,
                    "Largest share of flat pixels (no brightness change to the next) in a camera picture."),
            Key.bool("lesion.ood_check", true, "RETAKE a crop unlike the classifier's training images "
                    + "(off only for the demo's simulated lesions)."));

    /** Declared after the keys, from which it is read. */
    public static final LesionSettings DEFAULT = from(Values.defaults(KEYS));

    /** The settings the {@code lesion.*} keys give; a relation between them that does not hold names both keys. */
    public static LesionSettings from(Values v) {
        v.requireBelow("lesion.min_area", "lesion.max_area");
        return new LesionSettings(v.number("lesion.min_area"), v.number("lesion.max_area"),
                v.number("lesion.border_margin_px"), v.number("lesion.max_second_lesion"),
                v.number("lesion.min_confidence"), v.number("lesion.min_contrast"), v.number("lesion.min_texture"),
                v.number("lesion.max_flat_share"), v.bool("lesion.ood_check"));
    }

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
        FLAT_SHARE.check("largest flat share", maxFlatShare);
    }
}
