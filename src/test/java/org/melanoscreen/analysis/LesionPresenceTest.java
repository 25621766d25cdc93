package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.NonLesionImages;
import org.melanoscreen.imaging.SyntheticLesion;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped models on generated frames: no frame without a lesion gives anything but RETAKE, two lesions in view
 * are a RETAKE, and the generated lesions are still found.
 */
class LesionPresenceTest {
    private static final List<Path> SHIPPED = List.of(Path.of("models"));

    private static ScreeningPipeline pipeline(ModelSet models) throws Exception {
        return ScreeningPipeline.create(models, ScreeningSettings.DEFAULT);
    }

    @Test
    void framesWithoutALesionAreRetakes() throws Exception {
        List<String> letThrough = new ArrayList<>();
        try (ModelSet models = ModelSet.load(SHIPPED, TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models)) {
            for (NonLesionImages.Kind kind : NonLesionImages.Kind.values()) {
                for (long seed = 1; seed <= 8; seed++) {
                    byte[] rgb = NonLesionImages.generate(kind, 256, 192, seed);
                    try (Frame frame = Frame.ofRgb(rgb, 256, 192, kind + " " + seed)) {
                        ScreeningResult r = pipeline.screen(frame);
                        if (r.risk() != Risk.RETAKE) {
                            letThrough.add(kind + " " + seed + ": " + r.risk() + " " + r.melanomaProbability()
                                    + " " + r.reasons() + " " + r.quality().lesion());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), letThrough);
    }

    @Test
    void twoLesionsInViewAreARetake() throws Exception {
        byte[] left = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(128, 192, 5).withRadius(0.3)).rgb();
        byte[] right = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(128, 192, 6).withRadius(0.3)).rgb();
        byte[] both = new byte[256 * 192 * 3];
        for (int y = 0; y < 192; y++) {
            System.arraycopy(left, y * 128 * 3, both, y * 256 * 3, 128 * 3);
            System.arraycopy(right, y * 128 * 3, both, (y * 256 + 128) * 3, 128 * 3);
        }
        try (ModelSet models = ModelSet.load(SHIPPED, TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models);
             Frame frame = Frame.ofRgb(both, 256, 192, "two lesions")) {
            ScreeningResult r = pipeline.screen(frame);
            assertTrue(r.reasons().contains(LesionChecks.SEVERAL_LESIONS), r.reasons().toString());
            assertTrue(r.risk() != Risk.LOW);
        }
    }

    @Test
    void generatedLesionsAreStillFound() throws Exception {
        int found = 0;
        try (ModelSet models = ModelSet.load(SHIPPED, TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models)) {
            for (long seed = 1; seed <= 8; seed++) {
                try (Frame frame = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(256, 192, seed))
                        .toFrame("lesion " + seed)) {
                    ScreeningResult r = pipeline.screen(frame);
                    if (r.quality().lesionPresent()) {
                        found++;
                    }
                }
            }
        }
        assertTrue(found >= 7, found + " of 8 generated lesions found");
    }
}
