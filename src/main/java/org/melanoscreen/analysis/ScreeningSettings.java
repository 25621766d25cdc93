package org.melanoscreen.analysis;

import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;

import java.util.List;

/**
 * Everything that decides how a frame is screened apart from the models: the optics, hair removal, the quality
 * gate and the lesion checks. Every command builds its pipeline from these ({@link #pipeline}), read from the same
 * keys, so {@code screen}, {@code eval} and {@code bench} given the device's configuration reproduce the device.
 *
 * @param pixelPitchMm skin size of one frame pixel in mm; null: diameters in pixels only
 * @param hairRemoval  remove hairs before segmenting
 */
public record ScreeningSettings(Double pixelPitchMm, boolean hairRemoval, QualitySettings quality,
                                LesionSettings lesion) {

    /** This record's own keys; the quality gate's and the lesion checks' are {@link QualitySettings#KEYS} and
     * {@link LesionSettings#KEYS}. */
    public static final List<Key> KEYS = List.of(
            Key.optionalNumber("optics.pixel_pitch_mm", LesionMeasurer.PIXEL_PITCH_MM, "Skin size of one camera "
                    + "pixel in mm (from the dermatoscope optics); empty = diameters in px."),
            Key.bool("capture.hair_removal", false, "Remove hairs (DullRazor) before segmenting."));

    public static final ScreeningSettings DEFAULT = new ScreeningSettings(null, false, QualitySettings.DEFAULT,
            LesionSettings.DEFAULT);

    /** From the optics, hair-removal, {@code quality.*} and {@code lesion.*} keys. */
    public static ScreeningSettings from(Values v) {
        return new ScreeningSettings(v.optionalNumber("optics.pixel_pitch_mm"), v.bool("capture.hair_removal"),
                QualitySettings.from(v), LesionSettings.from(v));
    }

    /** The one way every command and the appliance build the pipeline for loaded models. */
    public ScreeningPipeline pipeline(ModelSet models) throws ModelException {
        return ScreeningPipeline.forModels(models, pixelPitchMm, quality, lesion, hairRemoval);
    }
}
