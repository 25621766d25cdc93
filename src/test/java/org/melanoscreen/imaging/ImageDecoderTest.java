package org.melanoscreen.imaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private static ImageDecoder decoder;

    @BeforeAll
    static void load() {
        decoder = new ImageDecoder();
    }

    private static String failure(byte[] bytes, String name) {
        ImageException e = assertThrows(ImageException.class, () -> decoder.decode(bytes, name));
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void decodesJpegAndPngAsRgb() throws Exception {
        SyntheticLesion lesion = TestImages.lesion(96, 64, 1);
        try (Frame f = lesion.toFrame("x")) {
            byte[] png = TestImages.encode(f, ".png");
            try (Frame back = decoder.decode(png, "a.png")) {
                assertEquals(96, back.width());
                assertEquals(64, back.height());
                assertTrue(Arrays.equals(lesion.rgb(), back.rgbBytes()), "PNG round trip is lossless and RGB ordered");
            }
            try (Frame back = decoder.decode(TestImages.encode(f, ".jpg"), "a.jpg")) {
                byte[] a = lesion.rgb();
                byte[] b = back.rgbBytes();
                double err = 0;
                for (int i = 0; i < a.length; i++) {
                    err += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
                }
                assertTrue(err / a.length < 6, "JPEG close to source: " + err / a.length);
            }
        }
    }

    @Test
    void honoursExifOrientation() throws Exception {
        Mat m = new Mat(32, 64, CvType.CV_8UC3, new Scalar(255, 0, 0));
        m.submat(0, 32, 0, 32).setTo(new Scalar(0, 0, 255));
        byte[] jpeg = TestImages.encodeRaw(m, ".jpg");
        m.release();
        try (Frame upright = decoder.decode(jpeg, "plain.jpg")) {
            assertEquals(64, upright.width());
        }
        try (Frame rotated = decoder.decode(TestImages.withExifOrientation(jpeg, 6), "rotated.jpg")) {
            assertEquals(32, rotated.width());
            assertEquals(64, rotated.height());
            byte[] px = rotated.rgbBytes();
            int top = (2 * 32 + 16) * 3;
            int bottom = (60 * 32 + 16) * 3;
            assertTrue((px[top] & 0xFF) > 200 && (px[top + 2] & 0xFF) < 60, "left (red) half turned to the top");
            assertTrue((px[bottom + 2] & 0xFF) > 200, "right (blue) half turned to the bottom");
        }
    }

    @Test
    void emptyFile(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        ImageException e = assertThrows(ImageException.class, () -> decoder.decode(f));
        assertEquals(f + ": empty file (0 bytes)", e.getMessage());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        ImageException e = assertThrows(ImageException.class, () -> decoder.decode(dir.resolve("nope.jpg")));
        assertTrue(e.getMessage().endsWith("no such file"));
    }

    @Test
    void notAnImage() {
        assertTrue(failure("hello, not an image".getBytes(StandardCharsets.UTF_8), "notes.jpg")
                .endsWith("not a JPEG or PNG image"));
    }

    @Test
    void truncatedJpeg() {
        byte[] jpeg = TestImages.syntheticJpeg(128, 96, 2);
        assertTrue(failure(Arrays.copyOf(jpeg, jpeg.length / 2), "cut.jpg").contains("truncated JPEG"));
        assertTrue(failure(Arrays.copyOf(jpeg, 40), "stub.jpg").contains("truncated JPEG"));
    }

    @Test
    void truncatedPng() throws Exception {
        try (Frame f = TestImages.lesion(64, 64, 3).toFrame("x")) {
            byte[] png = TestImages.encode(f, ".png");
            assertTrue(failure(Arrays.copyOf(png, png.length - 20), "cut.png").contains("truncated PNG"));
        }
    }

    @Test
    void corruptJpegStructure() {
        byte[] jpeg = TestImages.syntheticJpeg(128, 96, 4);
        byte[] broken = jpeg.clone();
        for (int i = 4; i < 200; i++) {
            broken[i] = 0x11;
        }
        assertTrue(failure(broken, "garbled.jpg").contains("JPEG"));
    }

    @Test
    void corruptPngData() throws Exception {
        try (Frame f = TestImages.lesion(64, 64, 5).toFrame("x")) {
            byte[] png = TestImages.encode(f, ".png");
            byte[] broken = png.clone();
            for (int i = 60; i < png.length - 30; i++) {
                broken[i] = (byte) (i * 31);
            }
            assertTrue(failure(broken, "garbled.png").contains("corrupt PNG"));
        }
    }

    @Test
    void ancillaryPngChunksDoNotChangeThePixels() throws Exception {
        try (Frame f = TestImages.lesion(64, 48, 6).toFrame("x")) {
            byte[] png = TestImages.encode(f, ".png");
            byte[] withText = TestImages.withPngChunk(png, "tEXt", "Comment\0from a dermatoscope".getBytes(
                    StandardCharsets.ISO_8859_1));
            byte[] withBadProfile = TestImages.withPngChunk(png, "iCCP", "bad\0\0not a zlib stream".getBytes(
                    StandardCharsets.ISO_8859_1));
            try (Frame a = decoder.decode(png, "plain.png"); Frame b = decoder.decode(withText, "text.png");
                 Frame c = decoder.decode(withBadProfile, "profile.png")) {
                assertTrue(Arrays.equals(a.rgbBytes(), b.rgbBytes()) && Arrays.equals(a.rgbBytes(), c.rgbBytes()));
            }
        }
    }

    @Test
    void damagedPngImageDataIsRefusedBeforeLibpngSeesIt() throws Exception {
        try (Frame f = TestImages.lesion(96, 64, 7).toFrame("x")) {
            byte[] png = TestImages.encode(f, ".png");
            int[] idat = TestImages.firstIdat(png);
            byte[] flipped = png.clone();
            flipped[idat[0] + idat[1] / 2] ^= 0x40;
            assertTrue(failure(flipped, "flipped.png").endsWith("(IDAT chunk fails its CRC check)"));

            byte[] data = Arrays.copyOfRange(png, idat[0], idat[0] + idat[1]);
            byte[] head = Arrays.copyOf(png, idat[0] - 8);
            byte[] cut = TestImages.withPngChunk(Arrays.copyOf(head, 33), "IDAT",
                    Arrays.copyOf(data, data.length * 6 / 10));
            byte[] cutWithEnd = Arrays.copyOf(cut, cut.length + 12);
            System.arraycopy(png, png.length - 12, cutWithEnd, cut.length, 12);
            assertTrue(failure(cutWithEnd, "cut.png").contains("image data ends early"), "cut at 60% with IEND");
        }
    }

    @Test
    void hugeDimensionsAreRefusedBeforeDecoding() {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                0, 1, (byte) 0x86, (byte) 0xA0, 0, 1, (byte) 0x86, (byte) 0xA0, 8, 2, 0, 0, 0, 0, 0, 0, 0});
        png.writeBytes(new byte[]{0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82});
        assertTrue(failure(png.toByteArray(), "huge.png").contains("100000x100000 is too large"));
    }

    @Test
    void grayscaleIsRefused() {
        Mat gray = new Mat(64, 64, CvType.CV_8UC1, new Scalar(128));
        assertTrue(failure(TestImages.encodeRaw(gray, ".png"), "gray.png").contains("grayscale"));
        assertTrue(failure(TestImages.encodeRaw(gray, ".jpg"), "gray.jpg").contains("grayscale"));
        gray.release();
    }

    @Test
    void sixteenBitIsRefused() {
        Mat deep = new Mat(64, 64, CvType.CV_16UC3, new Scalar(30000, 20000, 10000));
        assertTrue(failure(TestImages.encodeRaw(deep, ".png"), "deep.png").contains("16-bit"));
        deep.release();
    }

    @Test
    void alphaChannelIsRefused() {
        Mat rgba = new Mat(64, 64, CvType.CV_8UC4, new Scalar(10, 20, 30, 255));
        assertTrue(failure(TestImages.encodeRaw(rgba, ".png"), "alpha.png").contains("alpha channel"));
        rgba.release();
    }

    @Test
    void tinyImageIsRefused() {
        Mat small = new Mat(8, 8, CvType.CV_8UC3, new Scalar(10, 20, 30));
        assertTrue(failure(TestImages.encodeRaw(small, ".png"), "small.png").contains("too small"));
        small.release();
    }
}
