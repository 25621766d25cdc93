package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.NonLesionImages;
import org.melanoscreen.imaging.SyntheticLesion;
import org.melanoscreen.model.Segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quality gate on generated frames with known lesion masks. */
class QualityGateTest {
    private final QualityGate gate = new QualityGate(QualitySettings.DEFAULT, LesionSettings.DEFAULT);

    /** What a confident segmenter that found only this lesion gives. */
    static Segmentation found(BinaryMask mask) {
        return new Segmentation(mask, 0, 0.95);
    }

    private QualityReport assess(SyntheticLesion lesion) {
        try (Frame frame = lesion.toFrame("generated")) {
            return gate.assess(frame, found(lesion.mask()));
        }
    }

    private QualityReport assess(SyntheticLesion lesion, int addToEveryChannel, double[] gain) {
        byte[] rgb = lesion.rgb().clone();
        for (int i = 0; i < rgb.length; i++) {
            double v = ((rgb[i] & 0xFF) + addToEveryChannel) * gain[i % 3];
            rgb[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
        try (Frame frame = Frame.ofRgb(rgb, lesion.width(), lesion.height(), "altered")) {
            return gate.assess(frame, found(lesion.mask()));
        }
    }

    private static boolean hasReason(QualityReport q, String start) {
        return q.reasons().stream().anyMatch(r -> r.startsWith(start));
    }

    @Test
    void sharpCentredLesionPasses() {
        for (long seed = 1; seed <= 5; seed++) {
            QualityReport q = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, seed)));
            assertTrue(q.passed(), "seed " + seed + ": " + q);
        }
    }

    @Test
    void blurredLesionIsOutOfFocus() {
        QualityReport sharp = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 2)));
        QualityReport blurred = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 2)
                .withBlur(8)));
        assertTrue(blurred.sharpness() < sharp.sharpness() / 2, sharp.sharpness() + " vs " + blurred.sharpness());
        assertFalse(blurred.passed());
        assertTrue(hasReason(blurred, "out of focus"), blurred.reasons().toString());
    }

    @Test
    void overAndUnderExposure() {
        SyntheticLesion lesion = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 3));
        QualityReport bright = assess(lesion, 90, new double[]{1, 1, 1});
        assertTrue(hasReason(bright, "over-exposed"), bright.reasons().toString());
        QualityReport dark = assess(lesion, 0, new double[]{0.12, 0.12, 0.12});
        assertTrue(hasReason(dark, "too dark"), dark.reasons().toString());
        assertFalse(bright.passed() || dark.passed());
    }

    @Test
    void colourCast() {
        SyntheticLesion lesion = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 4));
        QualityReport blue = assess(lesion, 0, new double[]{0.6, 0.9, 1.6});
        assertTrue(hasReason(blue, "colour cast"), blue.reasons().toString());
    }

    @Test
    void lesionFraming() {
        QualityReport offCentre = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 5)
                .withRadius(0.12).withCentre(0.2, 0.25)));
        assertTrue(hasReason(offCentre, "lesion not centred"), offCentre.reasons().toString());
        QualityReport atBorder = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 6)
                .withCentre(0.05, 0.5)));
        assertTrue(hasReason(atBorder, LesionChecks.AT_BORDER), atBorder.reasons().toString());
        QualityReport tiny = assess(SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 7)
                .withRadius(0.03)));
        assertTrue(hasReason(tiny, "lesion too small"), tiny.reasons().toString());
    }

    @Test
    void noLesion() {
        SyntheticLesion lesion = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(320, 240, 8));
        try (Frame frame = lesion.toFrame("skin")) {
            QualityReport q = gate.assess(frame, found(BinaryMask.empty(256, 192)));
            assertFalse(q.passed());
            assertTrue(q.reasons().contains("no lesion in view"));
            assertTrue(Double.isNaN(q.sharpness()));
        }
    }

    @Test
    void reBlurDifferencesEqualThoseOfAnExplicitBoxFilterWithMirroredBorders() {
        int n = 23;
        java.util.Random random = new java.util.Random(3);
        float[] line = new float[n];
        for (int i = 0; i < n; i++) {
            line[i] = random.nextFloat() * 255;
        }
        double[] box = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = -4; k <= 4; k++) {
                box[i] += line[QualityGate.reflect101(i + k, n)] / 9.0;
            }
        }
        int[][] ends = QualityGate.reBlurEnds(n);
        for (int i = 1; i < n; i++) {
            assertEquals(box[i] - box[i - 1], (line[ends[0][i]] - line[ends[1][i]]) / 9.0, 1e-4, "position " + i);
        }
        assertEquals(1, QualityGate.reflect101(-1, n));
        assertEquals(n - 2, QualityGate.reflect101(n, n));
    }

    @Test
    void theFlatShareCountsPixelsLikeTheirRightAndLowerNeighbours() {
        // 3x3, brightness rows 10 10 10 / 10 10 90 / 10 10 10: of the 2x2 pixels with both neighbours, (0,0) and
        // (0,1) are flat; (1,0) has 90 below-right only, so it is flat too; (1,1) has 90 to its right
        byte[] rgb = new byte[27];
        java.util.Arrays.fill(rgb, (byte) 10);
        for (int c = 0; c < 3; c++) {
            rgb[3 * 5 + c] = (byte) 90;
        }
        try (Frame frame = Frame.ofRgb(rgb, 3, 3, "3x3")) {
            assertEquals(0.75, QualityGate.flatShare(frame), 1e-12);
        }
    }

    @Test
    void aCameraLikeFrameIsNotFlatAndAGeneratedPictureIs() {
        SyntheticLesion lesion = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(640, 480, 4));
        try (Frame camera = lesion.toFrame("generated lesion");
             Frame flat = Frame.ofRgb(NonLesionImages.generate(NonLesionImages.Kind.SHAPES, 640, 480, 18), 640, 480,
                     "discs")) {
            assertTrue(QualityGate.flatShare(camera) < 0.2, "" + QualityGate.flatShare(camera));
            assertTrue(QualityGate.flatShare(flat) > 0.9, "" + QualityGate.flatShare(flat));
            QualityReport q = gate.assess(flat, found(lesion.mask()));
            assertFalse(q.lesionPresent());
            assertTrue(hasReason(q, LesionChecks.FLAT_PICTURE), q.reasons().toString());
        }
    }
}
