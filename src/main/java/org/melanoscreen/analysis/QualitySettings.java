package org.melanoscreen.analysis;

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

    public static final QualitySettings DEFAULT = new QualitySettings(0.18, 0.15, 0.05, 40, 235, 0.18, 0.25);

    public QualitySettings {
        if (minSharpness < 0 || maxClippedHigh < 0 || maxClippedHigh > 1 || maxClippedLow < 0 || maxClippedLow > 1
                || minMeanLuma < 0 || maxMeanLuma > 255 || minMeanLuma >= maxMeanLuma || maxColourCast <= 0
                || maxCentreOffset <= 0) {
            throw new IllegalArgumentException("quality thresholds out of range: " + this);
        }
    }
}
