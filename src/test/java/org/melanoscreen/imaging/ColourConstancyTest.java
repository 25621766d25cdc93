package org.melanoscreen.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColourConstancyTest {

    @Test
    void neutralImageIsUnchanged() {
        float[] rgb = {100, 100, 100, 200, 200, 200};
        ColourConstancy.shadesOfGray(rgb, 6);
        assertEquals(100, rgb[0], 1e-3);
        assertEquals(200, rgb[5], 1e-3);
    }

    @Test
    void uniformColourCastBecomesGrey() {
        float[] rgb = new float[3 * 10];
        for (int i = 0; i < 10; i++) {
            rgb[3 * i] = 200;
            rgb[3 * i + 1] = 100;
            rgb[3 * i + 2] = 50;
        }
        ColourConstancy.shadesOfGray(rgb, 6);
        // e = (200, 100, 50), |e| = 229.13; each channel becomes |e| / sqrt(3) = 132.29
        double expected = Math.sqrt(200 * 200 + 100 * 100 + 50 * 50) / Math.sqrt(3);
        assertEquals(expected, rgb[0], 1e-3);
        assertEquals(expected, rgb[1], 1e-3);
        assertEquals(expected, rgb[2], 1e-3);
    }

    @Test
    void handComputedTwoPixelCaseWithClippingAndEmptyChannel() {
        float[] rgb = {200, 0, 0, 200, 200, 0};
        ColourConstancy.shadesOfGray(rgb, 1);
        // e = (200, 100, 0), n = sqrt(200^2 + 100^2)
        double n = Math.sqrt(200 * 200 + 100 * 100);
        assertEquals(200 * n / (Math.sqrt(3) * 200), rgb[0], 1e-3);
        assertEquals(0, rgb[1], 0);
        assertEquals(255, rgb[4], 0, "200 * 1.29 is clipped to 255");
        assertEquals(0, rgb[5], 0, "a channel with no light is left alone");
    }
}
