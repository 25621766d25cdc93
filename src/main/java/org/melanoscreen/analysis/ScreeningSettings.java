package org.melanoscreen.analysis;

/**
 * How the pipeline screens, whichever command configures it: the quality gate's and the lesion checks' thresholds,
 * the dermatoscope's pixel pitch (null: diameters in pixels), hair removal, and whether the classifier runs its
 * manifest's test-time views ({@code models.tta}; off: the identity view alone, with the single-view threshold).
 */
public record ScreeningSettings(QualitySettings quality, LesionSettings lesion, Double pixelPitchMm,
                                boolean hairRemoval, boolean tta) {

    public static final ScreeningSettings DEFAULT = new ScreeningSettings(QualitySettings.DEFAULT,
            LesionSettings.DEFAULT, null, false, true);

    public ScreeningSettings {
        if (quality == null || lesion == null) {
            throw new IllegalArgumentException("quality and lesion settings are required");
        }
    }

    public ScreeningSettings withTta(boolean on) {
        return new ScreeningSettings(quality, lesion, pixelPitchMm, hairRemoval, on);
    }
}
