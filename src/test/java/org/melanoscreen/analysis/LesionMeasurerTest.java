package org.melanoscreen.analysis;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.OpenCvLoader;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LesionMeasurerTest {

    @BeforeAll
    static void load() {
        OpenCvLoader.load();
    }

    private static BinaryMask disc(int w, int h, double cx, double cy, double r) {
        byte[] p = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r) {
                    p[y * w + x] = 1;
                }
            }
        }
        return new BinaryMask(w, h, p);
    }

    private static Frame uniform(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = (byte) r;
            rgb[3 * i + 1] = (byte) g;
            rgb[3 * i + 2] = (byte) b;
        }
        return Frame.ofRgb(rgb, w, h, "uniform");
    }

    @Test
    void discIsSymmetricCompactAndSizedInMillimetres() {
        BinaryMask mask = disc(100, 100, 50, 50, 30);
        try (Frame frame = uniform(200, 200, 100, 55, 35)) {
            LesionMeasurements m = new LesionMeasurer(0.05).measure(frame, mask);
            assertEquals(Math.PI * 60 * 60, m.areaPx(), 0.02 * Math.PI * 60 * 60, "area in frame pixels (scale 2)");
            assertEquals(m.areaPx() * 0.05 * 0.05, m.areaMm2(), 1e-9);
            assertEquals(120, m.diameterPx(), 4, "diameter of a radius-60 disc");
            assertEquals(m.diameterPx() * 0.05, m.diameterMm(), 1e-9);
            assertTrue(m.compactness() < 1.15, "a disc is compact: " + m.compactness());
            assertEquals(0, m.asymmetryScore());
            assertTrue(m.asymmetryPerAxis()[0] < 0.05 && m.asymmetryPerAxis()[1] < 0.05);
            assertEquals(List.of(LesionMeasurements.DermoscopicColour.DARK_BROWN), m.colours());
            assertEquals(1.3 * 0 + 0.1 * m.borderScore() + 0.5 * 1 + 0.5, m.tdsApproximate(), 1e-9);
        }
    }

    @Test
    void millimetresAreOmittedWithoutPixelPitch() {
        try (Frame frame = uniform(100, 100, 100, 55, 35)) {
            LesionMeasurements m = new LesionMeasurer(null).measure(frame, disc(100, 100, 50, 50, 20));
            assertNull(m.areaMm2());
            assertNull(m.diameterMm());
        }
    }

    @Test
    void lopsidedShapeIsAsymmetricAboutBothAxes() {
        int w = 120, h = 120;
        byte[] p = new byte[w * h];
        for (int y = 30; y < 90; y++) {
            for (int x = 30; x < 90; x++) {
                boolean body = x < 60 || y < 60;
                boolean tail = (x - 30) + (y - 30) < 45;
                if (body && !(x > 75 && y < 45) || tail) {
                    p[y * w + x] = 1;
                }
            }
        }
        try (Frame frame = uniform(w, h, 100, 55, 35)) {
            LesionMeasurements m = new LesionMeasurer(null).measure(frame, new BinaryMask(w, h, p));
            assertTrue(m.asymmetryScore() >= 1, "asymmetry " + java.util.Arrays.toString(m.asymmetryPerAxis()));
        }
    }

    @Test
    void irregularBorderScoresHigherThanDisc() {
        int w = 200, h = 200;
        byte[] p = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = Math.atan2(y - 100, x - 100);
                double r = 60 * (1 + 0.3 * Math.sin(9 * t));
                if (Math.hypot(x - 100, y - 100) <= r) {
                    p[y * w + x] = 1;
                }
            }
        }
        try (Frame frame = uniform(w, h, 100, 55, 35)) {
            LesionMeasurer measurer = new LesionMeasurer(null);
            LesionMeasurements star = measurer.measure(frame, new BinaryMask(w, h, p));
            LesionMeasurements round = measurer.measure(frame, disc(w, h, 100, 100, 60));
            assertTrue(star.compactness() > round.compactness() + 0.2);
            assertTrue(star.borderScore() > round.borderScore());
        }
    }

    @Test
    void countsSeveralColours() {
        int w = 100, h = 100;
        byte[] rgb = new byte[w * h * 3];
        int[][] palette = {{35, 30, 30}, {170, 110, 70}, {110, 125, 140}};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = palette[x * 3 / w];
                int i = 3 * (y * w + x);
                rgb[i] = (byte) c[0];
                rgb[i + 1] = (byte) c[1];
                rgb[i + 2] = (byte) c[2];
            }
        }
        try (Frame frame = Frame.ofRgb(rgb, w, h, "three colours")) {
            LesionMeasurements m = new LesionMeasurer(null).measure(frame, disc(w, h, 50, 50, 45));
            assertEquals(List.of(LesionMeasurements.DermoscopicColour.LIGHT_BROWN,
                    LesionMeasurements.DermoscopicColour.BLUE_GREY, LesionMeasurements.DermoscopicColour.BLACK),
                    m.colours());
        }
    }
}
