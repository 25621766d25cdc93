package org.melanoscreen.analysis;

import java.util.List;

/**
 * The quality gate's verdict on one frame: the figures it measured and, when it failed, why.
 * {@code sharpness} and {@code centreOffset} are NaN when no lesion was found.
 */
public record QualityReport(boolean passed, List<String> reasons, double sharpness, double clippedHigh,
                            double clippedLow, double meanLuma, double colourCast, double centreOffset,
                            double lesionAreaFraction, LesionFindings lesion) {

    /** Whether a lesion is in view, so that the frame may be classified at all. */
    public boolean lesionPresent() {
        return lesion.present();
    }
}
