package org.melanoscreen.analysis;

import java.util.List;

/**
 * Shape and colour figures of a segmented lesion, in frame pixels and, when the optics' pixel pitch is known,
 * millimetres. The ABCD figures are an approximate, transparent secondary indicator, not a diagnosis:
 * asymmetry is of shape only, the border score comes from compactness, and differential structures are not
 * assessed (D is taken as 1, so the total dermoscopy score is a lower bound).
 */
public record LesionMeasurements(
        double areaPx,
        Double areaMm2,
        double diameterPx,
        Double diameterMm,
        double[] asymmetryPerAxis,
        int asymmetryScore,
        double compactness,
        int borderScore,
        List<DermoscopicColour> colours,
        double tdsApproximate) {

    /** The six colours of the ABCD rule of dermoscopy. */
    public enum DermoscopicColour {
        WHITE("white"), RED("red"), LIGHT_BROWN("light brown"), DARK_BROWN("dark brown"),
        BLUE_GREY("blue-grey"), BLACK("black");

        private final String label;

        DermoscopicColour(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final int DIFFERENTIAL_STRUCTURES_ASSUMED = 1;
}
