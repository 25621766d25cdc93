package org.melanoscreen.imaging;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Encoded test images made from the project's synthetic-lesion generator. */
public final class TestImages {
    private TestImages() {
    }

    public static SyntheticLesion lesion(int width, int height, long seed) {
        return SyntheticLesion.generate(SyntheticLesion.Spec.defaults(width, height, seed));
    }

    /** Encodes an RGB frame as ".jpg" or ".png", with OpenCV's imwrite flags as name/value pairs. */
    public static byte[] encode(Frame frame, String extension, int... params) {
        try (MatScope scope = new MatScope()) {
            Mat bgr = scope.mat();
            Imgproc.cvtColor(frame.rgb(), bgr, Imgproc.COLOR_RGB2BGR);
            return encodeRaw(bgr, extension, params);
        }
    }

    /** Encodes a Mat as it is (any depth and channel count OpenCV can write). */
    public static byte[] encodeRaw(Mat mat, String extension, int... params) {
        try (MatScope scope = new MatScope()) {
            MatOfByte out = scope.add(new MatOfByte());
            MatOfInt options = scope.add(new MatOfInt(params));
            if (!Imgcodecs.imencode(extension, mat, out, options)) {
                throw new IllegalStateException("cannot encode " + extension);
            }
            return out.toArray();
        }
    }

    public static byte[] syntheticJpeg(int width, int height, long seed, int... params) {
        try (Frame f = lesion(width, height, seed).toFrame("synthetic")) {
            return encode(f, ".jpg", params);
        }
    }

    /** Inserts an APP1 Exif segment with the given orientation right after the JPEG's SOI marker. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
                'M', 'M', 0, 42, 0, 0, 0, 8,
                0, 1,
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        byte[] header = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + header.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(header, 0, header.length);
        out.write(tiff, 0, tiff.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The JPEG cut after {@code fraction} of its bytes with an end-of-image marker appended (no data lost at EOI). */
    public static byte[] cutWithEndMarker(byte[] jpeg, double fraction) {
        byte[] cut = Arrays.copyOf(jpeg, (int) (jpeg.length * fraction) + 2);
        cut[cut.length - 2] = (byte) 0xFF;
        cut[cut.length - 1] = (byte) 0xD9;
        return cut;
    }

    /** The JPEG with its own frame header (SOF0) copied over the middle of its scan data. */
    public static byte[] withSecondFrameHeader(byte[] jpeg) {
        byte[] damaged = jpeg.clone();
        int sof = 2;
        while (!((jpeg[sof] & 0xFF) == 0xFF && ((jpeg[sof + 1] & 0xFF) == 0xC0 || (jpeg[sof + 1] & 0xFF) == 0xC2))) {
            sof++;
        }
        int length = ((jpeg[sof + 2] & 0xFF) << 8 | (jpeg[sof + 3] & 0xFF)) + 2;
        System.arraycopy(jpeg, sof, damaged, jpeg.length / 2, length);
        return damaged;
    }

    /** The JPEG with 40 bytes in the middle of its scan data XOR-ed (as a bad sector or transfer would). */
    public static byte[] overwrittenMidStream(byte[] jpeg) {
        byte[] damaged = jpeg.clone();
        for (int i = jpeg.length / 2; i < jpeg.length / 2 + 40; i++) {
            damaged[i] = (byte) (damaged[i] ^ 0x5A);
        }
        return damaged;
    }

    /** The PNG with a chunk of {@code type} (and a correct CRC) inserted right after its IHDR. */
    public static byte[] withPngChunk(byte[] png, String type, byte[] data) {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        chunk.write(data.length >>> 24);
        chunk.write(data.length >>> 16);
        chunk.write(data.length >>> 8);
        chunk.write(data.length);
        chunk.writeBytes(typeBytes);
        chunk.writeBytes(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        long value = crc.getValue();
        chunk.write((int) (value >>> 24));
        chunk.write((int) (value >>> 16));
        chunk.write((int) (value >>> 8));
        chunk.write((int) value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        out.writeBytes(chunk.toByteArray());
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    /** Where the PNG's first IDAT chunk's data starts and how long it is: {offset, length}. */
    public static int[] firstIdat(byte[] png) {
        int pos = 8;
        while (!(png[pos + 4] == 'I' && png[pos + 5] == 'D' && png[pos + 6] == 'A' && png[pos + 7] == 'T')) {
            pos += 12 + ((png[pos] & 0xFF) << 24 | (png[pos + 1] & 0xFF) << 16 | (png[pos + 2] & 0xFF) << 8
                    | (png[pos + 3] & 0xFF));
        }
        return new int[]{pos + 8, (png[pos] & 0xFF) << 24 | (png[pos + 1] & 0xFF) << 16 | (png[pos + 2] & 0xFF) << 8
                | (png[pos + 3] & 0xFF)};
    }
}
