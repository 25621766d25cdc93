package org.melanoscreen.eval;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentationMetricsTest {

    @Test
    void diceAndJaccardByHand() {
        BinaryMask a = new BinaryMask(4, 1, new byte[]{1, 1, 1, 0});
        BinaryMask b = new BinaryMask(4, 1, new byte[]{0, 1, 1, 1});
        assertArrayEquals(new double[]{4.0 / 6, 2.0 / 4}, SegmentationMetrics.overlap(a, b), 1e-12);
    }

    @Test
    void twoEmptyMasksAgree() {
        assertArrayEquals(new double[]{1, 1},
                SegmentationMetrics.overlap(BinaryMask.empty(3, 3), BinaryMask.empty(3, 3)), 0);
    }

    @Test
    void thresholdedJaccardZeroesBelowIsicCutOff() {
        assertEquals(0, SegmentationMetrics.thresholdedJaccard(0.649), 0);
        assertEquals(0.65, SegmentationMetrics.thresholdedJaccard(0.65), 0);
    }

    /**
     * Bilinear with half-pixel centres and clamped edges, written out: what INTER_LINEAR on float 0/1 does;
     * -1 where the value is within float rounding of 0.5.
     */
    private static byte[] bilinearReference(BinaryMask m, int width, int height) {
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, (y + 0.5) * m.height() / height - 0.5);
            int y0 = Math.min((int) sy, m.height() - 1);
            int y1 = Math.min(y0 + 1, m.height() - 1);
            double fy = Math.min(sy - y0, 1);
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, (x + 0.5) * m.width() / width - 0.5);
                int x0 = Math.min((int) sx, m.width() - 1);
                int x1 = Math.min(x0 + 1, m.width() - 1);
                double fx = Math.min(sx - x0, 1);
                double v = (1 - fy) * ((1 - fx) * px(m, x0, y0) + fx * px(m, x1, y0))
                        + fy * ((1 - fx) * px(m, x0, y1) + fx * px(m, x1, y1));
                out[y * width + x] = Math.abs(v - 0.5) < 1e-4 ? -1 : v > 0.5 ? (byte) 1 : 0;
            }
        }
        return out;
    }

    private static byte[] nearest(BinaryMask m, int width, int height) {
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[y * width + x] = (byte) px(m, (x * 2 + 1) * m.width() / (2 * width),
                        (y * 2 + 1) * m.height() / (2 * height));
            }
        }
        return out;
    }

    private static int px(BinaryMask m, int x, int y) {
        return m.get(x, y) ? 1 : 0;
    }

    @Test
    void predictionIsUpsampledBilinearlyToTheTruthsResolution() {
        Random random = new Random(3);
        byte[] pixels = new byte[40 * 30];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
        }
        BinaryMask predicted = new BinaryMask(40, 30, pixels);
        BinaryMask up = SegmentationMetrics.upsample(predicted, 100, 70);
        byte[] reference = bilinearReference(predicted, 100, 70);
        int differing = 0;
        int compared = 0;
        for (int i = 0; i < reference.length; i++) {
            if (reference[i] >= 0) {
                compared++;
                differing += up.pixels()[i] != reference[i] ? 1 : 0;
            }
        }
        assertEquals(0, differing, "pixels that differ from bilinear + (> 0.5), of " + compared);
        assertTrue(compared > 6000, "most pixels are clear of 0.5: " + compared);
        assertFalse(java.util.Arrays.equals(nearest(predicted, 100, 70), up.pixels()), "not nearest neighbour");
        assertArrayEquals(new double[]{1, 1}, SegmentationMetrics.overlapAtTruthResolution(predicted, up), 0);
    }

    @Test
    void anExactHalfIsBackgroundAsInTheRecipe() {
        BinaryMask half = SegmentationMetrics.upsample(new BinaryMask(2, 1, new byte[]{1, 0}), 3, 1);
        assertArrayEquals(new byte[]{1, 0, 0}, half.pixels());
    }

    /**
     * The HAM10000 scale (128x96 masks scored at 200x150) on a pattern full of exact 0.5 ties: the figures the
     * recipe's {@code common.upsample_mask} gives (float32 PyTorch or OpenCV resizing differs at 678 pixels).
     */
    @Test
    void sameResultAsTheRecipeAtANonIntegerScale() {
        byte[] pixels = new byte[128 * 96];
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 128; x++) {
                pixels[y * 128 + x] = (byte) ((x * 7 + y * 13) % 5 < 2 ? 1 : 0);
            }
        }
        BinaryMask up = SegmentationMetrics.upsample(new BinaryMask(128, 96, pixels), 200, 150);
        assertEquals(10126, up.area());
        int left = 0;
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 100; x++) {
                left += up.get(x, y) ? 1 : 0;
            }
        }
        assertEquals(5064, left);
        assertArrayEquals(new byte[]{1, 1, 0, 0, 0, 1, 0, 0}, java.util.Arrays.copyOf(up.pixels(), 8));
    }
}
