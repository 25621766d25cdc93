package org.melanoscreen.model;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ClassifierRegionTest {

    private static BinaryMask box(int w, int h, int x0, int y0, int x1, int y1) {
        byte[] p = new byte[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                p[y * w + x] = 1;
            }
        }
        return new BinaryMask(w, h, p);
    }

    @Test
    void squareCropWithMarginScaledToTheFrame() {
        // mask 40x30 over a frame 400x300 (scale 10): bbox x 10..20, y 10..14 -> frame 100..200, 100..140
        // centre (150, 120); 100 x 40 grown by 1.2 -> 120 x 48; square -> 120: x 90..210, y 60..180
        Manifest.Region region = new Manifest.Region(Manifest.RegionType.CROP, 0.1, true);
        assertArrayEquals(new int[]{90, 60, 210, 180}, ClassifierRegion.rect(region, box(40, 30, 10, 10, 20, 14), 400, 300));
    }

    @Test
    void nonSquareCropRoundsOutwardsAndClipsToTheFrame() {
        // mask 10x10 over 15x15 (scale 1.5): bbox x 0..3, y 7..10 -> frame 0..4.5, 10.5..15
        // centre (2.25, 12.75); 4.5 x 4.5 grown by 1.5 -> 6.75: x floor(-1.125)->0 .. ceil(5.625)=6,
        // y floor(9.375)=9 .. ceil(16.125)=17 -> 15
        Manifest.Region region = new Manifest.Region(Manifest.RegionType.MASKED_CROP, 0.25, false);
        assertArrayEquals(new int[]{0, 9, 6, 15}, ClassifierRegion.rect(region, box(10, 10, 0, 7, 3, 10), 15, 15));
    }

    @Test
    void fullRegionAndEmptyMaskUseTheWholeFrame() {
        assertArrayEquals(new int[]{0, 0, 64, 48},
                ClassifierRegion.rect(Manifest.Region.FULL, box(8, 6, 1, 1, 3, 3), 64, 48));
        assertArrayEquals(new int[]{0, 0, 64, 48}, ClassifierRegion.rect(
                new Manifest.Region(Manifest.RegionType.CROP, 0.1, true), BinaryMask.empty(8, 6), 64, 48));
    }
}
