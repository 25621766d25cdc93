package org.melanoscreen.analysis;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay shows the frame with the contour in the risk's colour, the classifier's region and a caption. */
class OverlayRendererTest {
    private static int[] rgbAt(Mat bgr, int x, int y) {
        double[] p = bgr.get(y, x);
        return new int[]{(int) p[2], (int) p[1], (int) p[0]};
    }

    @Test
    void drawsTheContourInTheRisksColourTheRegionInWhiteAndTheCaptionOnBlack() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = ScreeningSettings.DEFAULT.pipeline(models);
             Frame frame = TestImages.lesion(320, 240, 3).toFrame("lesion")) {
            ScreeningResult result = pipeline.screen(frame);
            assertEquals(Risk.LOW, result.risk(), "seed 3 is LOW with the tiny models");
            Mat overlay = Imgcodecs.imdecode(new MatOfByte(OverlayRenderer.png(frame, result)),
                    Imgcodecs.IMREAD_UNCHANGED);
            assertEquals(320, overlay.cols());
            assertEquals(240, overlay.rows());
            assertArrayEquals(new int[]{0, 0, 0}, rgbAt(overlay, 1, 1), "caption background");
            int[] r = result.region();
            assertArrayEquals(new int[]{255, 255, 255}, rgbAt(overlay, r[0], (r[1] + r[3]) / 2), "region's left edge");
            double[] corner = frame.rgb().get(239, 319);
            assertArrayEquals(new int[]{(int) corner[0], (int) corner[1], (int) corner[2]}, rgbAt(overlay, 319, 239),
                    "away from the drawing the frame is unchanged");
            int lowGreen = 0;
            byte[] bgr = new byte[320 * 240 * 3];
            overlay.get(0, 0, bgr);
            for (int i = 0; i < bgr.length; i += 3) {
                int b = bgr[i] & 0xFF;
                int g = bgr[i + 1] & 0xFF;
                int red = bgr[i + 2] & 0xFF;
                if (g - Math.max(b, red) > 60) {
                    lowGreen++;
                }
            }
            assertTrue(lowGreen > 300, "the contour and caption in LOW's green (60, 180, 60, anti-aliased): "
                    + lowGreen + " pixels");
            assertEquals("LOW  " + ReferralFigures.of(result.melanomaProbability(), result.referralThreshold())
                    .sentence(), OverlayRenderer.label(result));
            overlay.release();
        }
    }
}
