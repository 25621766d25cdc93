package org.melanoscreen.imaging;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * One decoded colour image: 8-bit RGB, owned by this object and released when it is closed.
 * {@code source} names where it came from (a file, a camera) for messages.
 */
public final class Frame implements AutoCloseable {
    private final Mat rgb;
    private final String source;

    public Frame(Mat rgb, String source) {
        if (rgb.type() != CvType.CV_8UC3 || rgb.empty()) {
            throw new IllegalArgumentException(source + ": a frame must be a non-empty 8-bit 3-channel image");
        }
        this.rgb = rgb;
        this.source = source;
    }

    /** Wraps a copy of interleaved RGB bytes ({@code width * height * 3}). */
    public static Frame ofRgb(byte[] rgb, int width, int height, String source) {
        Mat mat = new Mat(height, width, CvType.CV_8UC3);
        mat.put(0, 0, rgb);
        return new Frame(mat, source);
    }

    public Mat rgb() {
        return rgb;
    }

    public int width() {
        return rgb.cols();
    }

    public int height() {
        return rgb.rows();
    }

    public String source() {
        return source;
    }

    /** Interleaved RGB bytes, copied out in one bulk call. */
    public byte[] rgbBytes() {
        byte[] out = new byte[width() * height() * 3];
        rgb.get(0, 0, out);
        return out;
    }

    @Override
    public void close() {
        rgb.release();
    }
}
