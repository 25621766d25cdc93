package org.melanoscreen.analysis;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;
import org.melanoscreen.settings.Values;

import java.util.List;

/**
 * Thresholds of the image-quality gate, configured by the {@code quality.*} keys ({@link #KEYS}). The defaults pass
 * the ISIC 2017 validation images (see the README's calibration figures) and reject clearly blurred, over- or under-exposed and colour-cast frames.
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

    /** The keys with their defaults: the only place the defaults are written. */
    public static final List<Key> KEYS = List.of(
            Key.number("quality.min_sharpness", 0.18, SHARPNESS, "Lowest focus measure on the lesion."),
            Key.number("quality.max_clipped_high", 0.15, SHARE, "Largest saturated share of the centre."),
            Key.number("quality.max_clipped_low", 0.05, SHARE, "Largest black share of the centre."),
            Key.number("quality.min_mean_luma", 40, LUMA, "Darkest acceptable mean brightness (0-255)."),
            Key.number("quality.max_mean_luma", 235, LUMA, "Brightest acceptable mean brightness (0-255)."),
            Key.number("quality.max_colour_cast", 0.18, COLOUR_CAST, "Largest chromaticity distance from skin."),
            Key.number("quality.max_centre_offset", 0.25, CENTRE_OFFSET,
                    "Largest lesion offset, share of the diagonal."));

    /** Declared after the keys, from which it is read. */
    public static final QualitySettings DEFAULT = from(Values.defaults(KEYS));

    /** The settings the {@code quality.*} keys give; a relation between them that does not hold names both keys. */
    public static QualitySettings from(Values v) {
        v.requireBelow("quality.min_mean_luma", "quality.max_mean_luma");
        return new QualitySettings(v.number("quality.min_sharpness"), v.number("quality.max_clipped_high"),
                v.number("quality.max_clipped_low"), v.number("quality.min_mean_luma"),
                v.number("quality.max_mean_luma"), v.number("quality.max_colour_cast"),
                v.number("quality.max_centre_offset"));
    }

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
