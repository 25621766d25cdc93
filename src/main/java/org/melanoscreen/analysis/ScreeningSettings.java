package org.melanoscreen.analysis;

import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;

import java.util.List;

/**
 * Everything that decides how a frame is screened apart from the models: the quality gate's and the lesion checks'
 * thresholds, the optics, hair removal, and whether the classifier runs its manifest's test-time views. Every
 * command builds its pipeline from these ({@link #pipeline}), read from the same keys, so {@code screen},
 * {@code eval} and {@code bench} given the device's configuration reproduce the device.
 *
 * @param pixelPitchMm skin size of one frame pixel in mm; null: diameters in pixels only
 * @param hairRemoval  remove hairs before segmenting
 * @param tta          run the classifier's test-time views ({@code models.tta}); off: the identity view alone,
 *                     with the manifest's single-view referral threshold
 */
public record ScreeningSettings(QualitySettings quality, LesionSettings lesion, Double pixelPitchMm,
                                boolean hairRemoval, boolean tta) {

    /** This record's own keys; the quality gate's and the lesion checks' are {@link QualitySettings#KEYS} and
     * {@link LesionSettings#KEYS}. */
    public static final List<Key> KEYS = List.of(
            Key.optionalNumber("optics.pixel_pitch_mm", LesionMeasurer.PIXEL_PITCH_MM, "Skin size of one camera "
                    + "pixel in mm (from the dermatoscope optics); empty = diameters in px."),
            Key.bool("capture.hair_removal", false, "Remove hairs (DullRazor) before segmenting."),
            Key.bool("models.tta", true, "Run the classifier's test-time views (its manifest's input.tta) and "
                    + "average them; false = one view and the manifest's single-view referral threshold."));

    public static final ScreeningSettings DEFAULT = new ScreeningSettings(QualitySettings.DEFAULT,
            LesionSettings.DEFAULT, null, false, true);

    public ScreeningSettings {
        if (quality == null || lesion == null) {
            throw new IllegalArgumentException("quality and lesion settings are required");
        }
    }

    /** From the optics, hair-removal, {@code models.tta}, {@code quality.*} and {@code lesion.*} keys. */
    public static ScreeningSettings from(Values v) {
        return new ScreeningSettings(QualitySettings.from(v), LesionSettings.from(v),
                v.optionalNumber("optics.pixel_pitch_mm"), v.bool("capture.hair_removal"), v.bool("models.tta"));
    }

    public ScreeningSettings withTta(boolean on) {
        return new ScreeningSettings(quality, lesion, pixelPitchMm, hairRemoval, on);
    }

    /** The one way every command and the appliance build the pipeline for loaded models. */
    public ScreeningPipeline pipeline(ModelSet models) throws ModelException {
        return ScreeningPipeline.create(models, this);
    }
}
