package org.melanoscreen.imaging;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.io.ByteArrayOutputStream;

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
}
