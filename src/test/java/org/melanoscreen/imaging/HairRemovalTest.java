package org.melanoscreen.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HairRemovalTest {

    /** Dark pixels on the skin (outside the lesion): hairs. */
    private static int darkSkinPixels(byte[] rgb, BinaryMask mask) {
        int n = 0;
        for (int i = 0; i < mask.pixels().length; i++) {
            if (mask.pixels()[i] == 0 && (rgb[3 * i + 1] & 0xFF) < 110) {
                n++;
            }
        }
        return n;
    }

    @Test
    void removesMostHairPixelsFromTheSkin() {
        SyntheticLesion hairy = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(256, 192, 11).withHairs(8));
        try (Frame frame = hairy.toFrame("hairy"); Frame clean = HairRemoval.apply(frame)) {
            assertEquals(frame.width(), clean.width());
            int before = darkSkinPixels(hairy.rgb(), hairy.mask());
            int after = darkSkinPixels(clean.rgbBytes(), hairy.mask());
            assertTrue(before > 200, "the generator drew hairs: " + before);
            assertTrue(after < before / 4, "hair pixels before " + before + ", after " + after);
        }
    }
}
