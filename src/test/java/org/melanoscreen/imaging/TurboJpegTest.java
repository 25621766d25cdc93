package org.melanoscreen.imaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.imgcodecs.Imgcodecs;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system's libjpeg-turbo must give the pixels OpenCV's decoder gives, which the models were checked with, and
 * both must refuse a JPEG that libjpeg decodes only with a warning (part of the frame grey or garbled).
 */
class TurboJpegTest {
    private static ImageDecoder turbo;
    private static ImageDecoder openCv;

    @BeforeAll
    static void decoders() {
        TurboJpeg library = TurboJpeg.system().orElseThrow(
                () -> new AssertionError("libturbojpeg is not installed: device/dev-setup.sh installs libturbojpeg0"));
        turbo = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, library);
        openCv = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, null);
    }

    private static void assertSamePixels(byte[] jpeg, String name) throws ImageException {
        try (Frame a = turbo.decode(jpeg, name); Frame b = openCv.decode(jpeg, name)) {
            assertEquals(b.width(), a.width(), name);
            assertEquals(b.height(), a.height(), name);
            assertArrayEquals(b.rgbBytes(), a.rgbBytes(), name);
        }
    }

    @Test
    void decodesTheSamePixelsAsOpenCv() throws Exception {
        assertSamePixels(TestImages.syntheticJpeg(256, 192, 1), "default.jpg");
        assertSamePixels(TestImages.syntheticJpeg(97, 61, 2, Imgcodecs.IMWRITE_JPEG_QUALITY, 60), "odd-size.jpg");
        assertSamePixels(TestImages.syntheticJpeg(256, 192, 3, Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR,
                Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422), "422.jpg");
        assertSamePixels(TestImages.syntheticJpeg(256, 192, 4, Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR,
                Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444, Imgcodecs.IMWRITE_JPEG_QUALITY, 98), "444.jpg");
        assertSamePixels(TestImages.syntheticJpeg(200, 150, 5, Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1),
                "progressive.jpg");
        assertSamePixels(TestImages.syntheticJpeg(256, 192, 6, Imgcodecs.IMWRITE_JPEG_RST_INTERVAL, 4), "restarts.jpg");
    }

    @Test
    void honoursExifOrientationLikeOpenCvPath() throws Exception {
        byte[] rotated = TestImages.withExifOrientation(TestImages.syntheticJpeg(120, 80, 7), 8);
        try (Frame f = turbo.decode(rotated, "rotated.jpg")) {
            assertEquals(80, f.width());
            assertEquals(120, f.height());
        }
        assertSamePixels(rotated, "rotated.jpg");
    }

    @Test
    void damagedScanDataIsRefusedByBothDecoders() {
        List<byte[]> sources = List.of(TestImages.syntheticJpeg(256, 192, 8),
                TestImages.syntheticJpeg(256, 192, 10, Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1),
                TestImages.syntheticJpeg(256, 192, 11, Imgcodecs.IMWRITE_JPEG_RST_INTERVAL, 4));
        for (byte[] jpeg : sources) {
            Map<String, byte[]> damaged = Map.of(
                    "cut-at-60%.jpg", TestImages.cutWithEndMarker(jpeg, 0.6),
                    "cut-at-95%.jpg", TestImages.cutWithEndMarker(jpeg, 0.95),
                    "overwritten.jpg", TestImages.overwrittenMidStream(jpeg),
                    "two-sof.jpg", TestImages.withSecondFrameHeader(jpeg));
            for (Map.Entry<String, byte[]> e : damaged.entrySet()) {
                for (ImageDecoder decoder : List.of(turbo, openCv)) {
                    ImageException refused = assertThrows(ImageException.class,
                            () -> decoder.decode(e.getValue(), e.getKey()).close(), e.getKey());
                    assertTrue(refused.getMessage().startsWith(e.getKey() + ": corrupt JPEG data"), refused.getMessage());
                }
            }
        }
    }

    @Test
    void namesWhatIsWrong() {
        byte[] jpeg = TestImages.syntheticJpeg(256, 192, 12);
        assertEquals("cut.jpg: corrupt JPEG data, not screened (premature end of data segment)",
                assertThrows(ImageException.class,
                        () -> openCv.decode(TestImages.cutWithEndMarker(jpeg, 0.6), "cut.jpg")).getMessage());
        assertEquals("cut.jpg: corrupt JPEG data, not screened (libjpeg-turbo warning: Corrupt JPEG data: "
                        + "premature end of data segment)",
                assertThrows(ImageException.class,
                        () -> turbo.decode(TestImages.cutWithEndMarker(jpeg, 0.6), "cut.jpg")).getMessage());
        assertTrue(assertThrows(ImageException.class,
                () -> openCv.decode(TestImages.withSecondFrameHeader(jpeg), "sof.jpg")).getMessage()
                .endsWith("(premature end of data segment)"));
    }

    @Test
    void missingQuantisationTableIsACorruptJpeg() {
        byte[] jpeg = TestImages.syntheticJpeg(128, 96, 9);
        byte[] broken = jpeg.clone();
        int sof = 2;
        while (!((broken[sof] & 0xFF) == 0xFF && (broken[sof + 1] & 0xFF) == 0xC0)) {
            sof++;
        }
        broken[sof + 12] = 3;
        ImageException e = assertThrows(ImageException.class, () -> turbo.decode(broken, "no-table.jpg"));
        assertTrue(e.getMessage().startsWith("no-table.jpg: corrupt JPEG data ("), e.getMessage());
        assertThrows(ImageException.class, () -> openCv.decode(broken, "no-table.jpg"));
    }
}
