package org.melanoscreen.workflow;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stored frame and mask are lossless: decoding the PNG gives back every pixel. */
class FramePngTest {
    @Test
    void theFrameComesBackPixelForPixelInRgbOrder() {
        try (Frame frame = TestImages.lesion(96, 64, 7).toFrame("frame")) {
            Mat bgr = Imgcodecs.imdecode(new MatOfByte(FramePng.encode(frame)), Imgcodecs.IMREAD_UNCHANGED);
            assertEquals(96, bgr.cols());
            assertEquals(64, bgr.rows());
            assertEquals(3, bgr.channels());
            Mat rgb = new Mat();
            Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
            byte[] decoded = new byte[96 * 64 * 3];
            rgb.get(0, 0, decoded);
            assertArrayEquals(frame.rgbBytes(), decoded);
            bgr.release();
            rgb.release();
        }
    }

    @Test
    void theMaskIsBlackAndWhite() {
        byte[] pixels = new byte[6 * 4];
        pixels[5] = 1;
        pixels[6] = 7;
        BinaryMask mask = new BinaryMask(6, 4, pixels);
        Mat png = Imgcodecs.imdecode(new MatOfByte(FramePng.encode(mask)), Imgcodecs.IMREAD_UNCHANGED);
        assertEquals(1, png.channels());
        byte[] decoded = new byte[6 * 4];
        png.get(0, 0, decoded);
        byte[] expected = new byte[6 * 4];
        expected[5] = (byte) 255;
        expected[6] = (byte) 255;
        assertArrayEquals(expected, decoded);
        png.release();
    }
}
