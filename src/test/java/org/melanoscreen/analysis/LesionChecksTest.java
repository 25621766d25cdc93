package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.model.Segmentation;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lesion rules of the quality gate on frames and masks made here, so each rule is seen in isolation. */
class LesionChecksTest {
    private static final int W = 256;
    private static final int H = 192;
    private final LesionChecks checks = new LesionChecks(LesionSettings.DEFAULT);
    private final SplittableRandom random = new SplittableRandom(3);

    /** A 128x96 mask (the segmenter's resolution for a 256x192 frame) with one filled rectangle. */
    private static BinaryMask rect(int x0, int y0, int x1, int y1) {
        byte[] p = new byte[128 * 96];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                p[y * 128 + x] = 1;
            }
        }
        return new BinaryMask(128, 96, p);
    }

    /**
     * Skin of one colour with mild noise, and where the mask is set, a lesion of {@code lesion} colour whose
     * brightness varies by +-{@code texture}.
     */
    private byte[] frame(BinaryMask mask, int[] skin, int[] lesion, int texture) {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean in = mask.get(x * 128 / W, y * 96 / H);
                int[] c = in ? lesion : skin;
                int jitter = in ? random.nextInt(-texture, texture + 1) : random.nextInt(-2, 3);
                for (int k = 0; k < 3; k++) {
                    rgb[3 * (y * W + x) + k] = (byte) Math.max(0, Math.min(255, c[k] + jitter));
                }
            }
        }
        return rgb;
    }

    private static final int[] SKIN = {220, 170, 150};
    private static final int[] BROWN = {120, 75, 55};

    /** A camera picture's flat share (ISIC 2017 and HAM10000 images: 0.04 typically). */
    private static final double CAMERA_FLAT_SHARE = 0.05;

    private LesionFindings check(BinaryMask mask, int otherArea, double confidence, byte[] rgb) {
        return check(mask, otherArea, confidence, rgb, CAMERA_FLAT_SHARE);
    }

    private LesionFindings check(BinaryMask mask, int otherArea, double confidence, byte[] rgb, double flatShare) {
        return checks.check(new Segmentation(mask, otherArea, confidence), rgb, W, H, W, H, flatShare);
    }

    @Test
    void aFlatPictureIsNotADermoscopicImageEvenWithAClearLesion() {
        BinaryMask mask = rect(44, 28, 84, 68);
        byte[] rgb = frame(mask, SKIN, BROWN, 20);
        assertTrue(check(mask, 0, 0.95, rgb, 0.6).present());
        LesionFindings flat = check(mask, 0, 0.95, rgb, 0.61);
        assertFalse(flat.present());
        assertEquals(0.61, flat.flatShare());
        assertTrue(flat.reasons().get(0).startsWith(LesionChecks.FLAT_PICTURE + " (a flat picture: 61% of it"),
                flat.reasons().toString());
        LesionFindings empty = check(rect(0, 0, 0, 0), 0, 0.95, rgb, 0.99);
        assertEquals(2, empty.reasons().size(), empty.reasons().toString());
    }

    @Test
    void aTexturedPigmentedLesionIsPresentAndClean() {
        BinaryMask mask = rect(44, 28, 84, 68);
        LesionFindings f = check(mask, 0, 0.95, frame(mask, SKIN, BROWN, 20));
        assertTrue(f.present());
        assertEquals(java.util.List.of(), f.reasons());
        assertTrue(f.contrast() > 20, "delta E " + f.contrast());
    }

    @Test
    void skinWithoutALesionIsNoLesionInView() {
        BinaryMask mask = rect(44, 28, 84, 68);
        LesionFindings f = check(mask, 0, 0.95, frame(mask, SKIN, SKIN, 2));
        assertFalse(f.present());
        assertTrue(f.reasons().get(0).startsWith(LesionChecks.NO_LESION), f.reasons().toString());
    }

    @Test
    void aFlatStickerHasNoTextureAndIsNoLesion() {
        BinaryMask mask = rect(44, 28, 84, 68);
        LesionFindings f = check(mask, 0, 0.95, frame(mask, SKIN, new int[]{250, 90, 90}, 0));
        assertTrue(f.contrast() > 20, "it does stand out");
        assertFalse(f.present(), "but it is flat");
    }

    @Test
    void anUnsureSegmenterIsNoLesion() {
        BinaryMask mask = rect(44, 28, 84, 68);
        byte[] rgb = frame(mask, SKIN, BROWN, 20);
        assertTrue(check(mask, 0, 0.76, rgb).present());
        assertFalse(check(mask, 0, 0.74, rgb).present());
    }

    @Test
    void aSecondSubstantialLesionIsARetake() {
        BinaryMask mask = rect(44, 28, 84, 68);
        byte[] rgb = frame(mask, SKIN, BROWN, 20);
        int area = mask.area();
        assertTrue(check(mask, area / 2, 0.95, rgb).reasons().contains(LesionChecks.SEVERAL_LESIONS));
        assertFalse(check(mask, area / 5, 0.95, rgb).reasons().contains(LesionChecks.SEVERAL_LESIONS),
                "a speck a fifth of the lesion's size is not a second lesion");
    }

    @Test
    void aLesionOneMaskPixelShortOfTheEdgeMayBeCutOff() {
        // at 2 frame pixels per mask pixel, a mask starting at column 1 is 2 px from the frame's edge
        BinaryMask oneShort = rect(1, 28, 41, 68);
        LesionFindings f = check(oneShort, 0, 0.95, frame(oneShort, SKIN, BROWN, 20));
        assertFalse(oneShort.touchesBorder());
        assertEquals(2.0, f.borderPx(), 1e-9);
        assertTrue(f.reasons().stream().anyMatch(r -> r.startsWith(LesionChecks.AT_BORDER)), f.reasons().toString());
        BinaryMask clear = rect(2, 28, 42, 68);
        assertFalse(check(clear, 0, 0.95, frame(clear, SKIN, BROWN, 20)).reasons().stream()
                .anyMatch(r -> r.startsWith(LesionChecks.AT_BORDER)), "4 px from the edge is within the margin");
    }

    @Test
    void theMarginIsInFramePixels() {
        BinaryMask mask = rect(2, 28, 42, 68);
        // the same mask on a frame 5 times larger is 20 px from the edge: clear of a 12 px margin, not of a 24 px one
        assertEquals(20.0, LesionChecks.borderDistance(mask, 5 * W, 5 * H), 1e-9);
        LesionChecks wide = new LesionChecks(new LesionSettings(0.01, 0.85, 24, 0.25, 0.75, 3, 5, 0.6, true));
        byte[] rgb = frame(mask, SKIN, BROWN, 20);
        assertTrue(wide.check(new Segmentation(mask, 0, 0.95), rgb, W, H, 5 * W, 5 * H, CAMERA_FLAT_SHARE).reasons()
                .stream().anyMatch(r -> r.startsWith(LesionChecks.AT_BORDER)));
    }

    @Test
    void labOfWhiteAndBlack() {
        double[] white = LesionChecks.lab(255, 255, 255);
        assertEquals(100, white[0], 0.01);
        assertEquals(0, white[1], 0.01);
        assertEquals(0, white[2], 0.01);
        assertEquals(0, LesionChecks.lab(0, 0, 0)[0], 1e-9);
    }
}
