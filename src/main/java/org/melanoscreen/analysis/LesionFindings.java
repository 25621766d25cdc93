package org.melanoscreen.analysis;

import java.util.List;

/**
 * What the quality gate found about the segmented lesion.
 *
 * @param present    false when no lesion is in view: the frame is not classified
 * @param reasons    why the lesion cannot support a LOW result; empty when it was found cleanly
 * @param confidence mean segmenter confidence inside the mask (NaN: no lesion)
 * @param contrast   CIE76 delta E between the lesion's and the surrounding skin's mean colours (NaN: no lesion)
 * @param texture    standard deviation of the brightness (0-255) inside the lesion (NaN: no lesion)
 * @param otherShare area of the largest other lesion-like component, as a share of the lesion's
 * @param borderPx   distance of the lesion's bounding box from the frame's edge, frame pixels (NaN: no lesion)
 * @param flatShare  share of the frame's pixels, at its own resolution around its centre, with no brightness change
 *                   to the next pixel right and below (a generated or drawn picture: near 1)
 */
public record LesionFindings(boolean present, List<String> reasons, double confidence, double contrast,
                             double texture, double otherShare, double borderPx, double flatShare) {
}
