package org.melanoscreen.analysis;

import org.melanoscreen.settings.Range;

/**
 * Thresholds of the image-quality gate. The defaults pass the ISIC 2017 validation images (see the README's
 * calibration figures) and reject clearly blurred, over- or under-exposed and colour-cast frames.
 *
 * @param minSharpness       lowest focus measure on the lesion (1 - Crete et al. blur estimate, at 256 pixels wide)
 * @param maxClippedHigh     largest share of central pixels with a saturated channel
 * @param maxClippedLow      largest share of central pixels that are black
 * @param minMeanLuma        darkest acceptable mean luma of the central region
 * @param maxMeanLuma        brightest acceptable mean luma of the central region
 * @param maxColourCast      largest distance of the skin's chromaticity from the expected skin chromaticity
 * @param maxCentreOffset    largest distance of the lesion centroid from the frame centre, as a share of the
 *                           frame diagonal
 */
public record QualitySettings(double minSharpness, double maxClippedHigh, double maxClippedLow, double minMeanLuma,
                              double maxMeanLuma, double maxColourCast, double maxCentreOffset) {

    /** The focus measure is a share of sharpness: 0 would pass any blur, 1 no real frame. */
    public static final Range SHARPNESS = Range.between(0, 1);
    /** Shares of the centre (clipped pixels) and of the diagonal (centre offset). */
    public static final Range SHARE = Range.closed(0, 1);
    public static final Range LUMA = Range.closed(0, 255);
    /** A distance in chromaticity; 0 would refuse every frame. */
    public static final Range COLOUR_CAST = Range.aboveUpTo(0, 1);
    /** A share of the diagonal; 0 would refuse every lesion. */
    public static final Range CENTRE_OFFSET = Range.aboveUpTo(0, 1);

    /** Declared after the ranges, which its construction checks against. */
    public static final QualitySettings DEFAULT = new QualitySettings(0.18, 0.15, 0.05, 40, 235, 0.18, 0.25);

    public QualitySettings {
        SHARPNESS.check("minimum sharpness", minSharpness);
        SHARE.check("largest saturated share", maxClippedHigh);
        SHARE.check("largest black share", maxClippedLow);
        LUMA.check("darkest mean brightness", minMeanLuma);
        LUMA.check("brightest mean brightness", maxMeanLuma);
        COLOUR_CAST.check("largest colour cast", maxColourCast);
        CENTRE_OFFSET.check("largest centre offset", maxCentreOffset);
        if (minMeanLuma >= maxMeanLuma) {
            throw new IllegalArgumentException("the darkest mean brightness " + minMeanLuma
                    + " must be below the brightest " + maxMeanLuma);
        }
    }
}
