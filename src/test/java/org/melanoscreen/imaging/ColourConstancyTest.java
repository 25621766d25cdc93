package org.melanoscreen.imaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ColourConstancyTest {

    @BeforeAll
    static void loadOpenCv() {
        OpenCvLoader.load();
    }

    private static double[] gains(float[] rgb, double p) {
        try (MatScope scope = new MatScope()) {
            Mat m = scope.add(new Mat(1, rgb.length / 3, CvType.CV_32FC3));
            m.put(0, 0, rgb);
            return ColourConstancy.gains(m, p);
        }
    }

    @Test
    void neutralImageKeepsItsColours() {
        assertArrayEquals(new double[]{1, 1, 1}, gains(new float[]{100, 100, 100, 200, 200, 200}, 6), 1e-6);
    }

    @Test
    void uniformColourCastBecomesGrey() {
        float[] rgb = new float[3 * 10];
        for (int i = 0; i < 10; i++) {
            rgb[3 * i] = 200;
            rgb[3 * i + 1] = 100;
            rgb[3 * i + 2] = 50;
        }
        double[] g = gains(rgb, 6);
        // e = (200, 100, 50), |e| = 229.13; each channel becomes |e| / sqrt(3) = 132.29
        double expected = Math.sqrt(200 * 200 + 100 * 100 + 50 * 50) / Math.sqrt(3);
        assertEquals(expected, 200 * g[0], 1e-3);
        assertEquals(expected, 100 * g[1], 1e-3);
        assertEquals(expected, 50 * g[2], 1e-3);
    }

    @Test
    void handComputedSixthPowerMeans() {
        float[] rgb = {10, 20, 0, 30, 20, 0};
        double[] g = gains(rgb, 6);
        double er = Math.pow((Math.pow(10, 6) + Math.pow(30, 6)) / 2, 1 / 6.0);
        double eg = 20;
        double n = Math.sqrt(er * er + eg * eg);
        assertEquals(n / (Math.sqrt(3) * er), g[0], 1e-6);
        assertEquals(n / (Math.sqrt(3) * eg), g[1], 1e-6);
        assertEquals(1, g[2], 0, "a channel with no light is left alone");
    }

    @Test
    void refusesImagesThatAreNotFloatRgb() {
        try (MatScope scope = new MatScope()) {
            Mat bytes = scope.add(new Mat(2, 2, CvType.CV_8UC3));
            assertThrows(IllegalArgumentException.class, () -> ColourConstancy.gains(bytes, 6));
        }
    }
}
