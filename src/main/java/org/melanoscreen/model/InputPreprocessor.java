package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.ColourConstancy;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Builds a model's input tensor from a frame exactly as its manifest says ({@code models/CONTRACT.md}):
 * region, float bilinear resize, optional Shades of Gray, scale/mean/std, NCHW.
 */
public final class InputPreprocessor {
    private final Manifest.InputSpec spec;

    public InputPreprocessor(Manifest.InputSpec spec) {
        this.spec = spec;
    }

    /** The whole frame as input. */
    public float[] full(Frame frame) {
        return prepare(frame, fullFrame(frame), null);
    }

    /** The whole frame as input, written into {@code planes} as {@link #prepareInto} does. */
    public void fullInto(Frame frame, Mat planes) {
        prepareInto(frame, fullFrame(frame), null, planes);
    }

    private static int[] fullFrame(Frame frame) {
        return new int[]{0, 0, frame.width(), frame.height()};
    }

    /**
     * The frame region {@code rect} = {x0, y0, x1, y1} as input; with {@code mask} (at the segmenter's
     * resolution, mapped onto the whole frame) the pixels outside the lesion are blanked to the value that
     * normalises to zero.
     */
    public float[] prepare(Frame frame, int[] rect, BinaryMask mask) {
        try (MatScope scope = new MatScope()) {
            Mat planes = scope.add(new Mat(3 * spec.height(), spec.width(), CvType.CV_32FC1));
            prepareInto(frame, rect, mask, planes);
            float[] nchw = new float[3 * spec.height() * spec.width()];
            planes.get(0, 0, nchw);
            return nchw;
        }
    }

    /**
     * As {@link #prepare}, written into {@code planes}: a continuous (3*H) x W float Mat whose rows are the NCHW
     * planes one after the other, such as a model's own input buffer.
     */
    public void prepareInto(Frame frame, int[] rect, BinaryMask mask, Mat planes) {
        if (planes.rows() != 3 * spec.height() || planes.cols() != spec.width() || planes.type() != CvType.CV_32FC1
                || !planes.isContinuous()) {
            throw new IllegalArgumentException("input planes must be a continuous " + 3 * spec.height() + "x"
                    + spec.width() + " float Mat, got " + planes);
        }
        int cropWidth = rect[2] - rect[0];
        int cropHeight = rect[3] - rect[1];
        try (MatScope scope = new MatScope()) {
            Mat region = scope.add(frame.rgb().submat(new Rect(rect[0], rect[1], cropWidth, cropHeight)));
            Mat floats = scope.mat();
            region.convertTo(floats, CvType.CV_32FC3);
            if (mask != null) {
                blankOutside(floats, rect, mask, frame.width(), frame.height());
            }
            Mat sized = floats;
            if (cropWidth != spec.width() || cropHeight != spec.height()) {
                sized = scope.mat();
                Imgproc.resize(floats, sized, new Size(spec.width(), spec.height()), 0, 0, Imgproc.INTER_LINEAR);
            }
            double[] gains = spec.colourConstancy() == null ? null
                    : ColourConstancy.gains(sized, spec.colourConstancy().p());
            normaliseIntoPlanes(sized, gains, planes, scope);
        }
    }

    private void blankOutside(Mat floats, int[] rect, BinaryMask mask, int frameWidth, int frameHeight) {
        int w = floats.cols();
        int h = floats.rows();
        float[] pixels = new float[w * h * 3];
        floats.get(0, 0, pixels);
        float[] fill = new float[3];
        for (int c = 0; c < 3; c++) {
            fill[c] = spec.mean()[c] / spec.scale();
        }
        int[] maskColumn = new int[w];
        for (int x = 0; x < w; x++) {
            maskColumn[x] = Math.min(mask.width() - 1,
                    (int) Math.floor((rect[0] + x + 0.5) * mask.width() / frameWidth));
        }
        byte[] m = mask.pixels();
        for (int y = 0; y < h; y++) {
            int maskRow = Math.min(mask.height() - 1,
                    (int) Math.floor((rect[1] + y + 0.5) * mask.height() / frameHeight));
            int rowOffset = maskRow * mask.width();
            for (int x = 0; x < w; x++) {
                if (m[rowOffset + maskColumn[x]] == 0) {
                    int i = (y * w + x) * 3;
                    pixels[i] = fill[0];
                    pixels[i + 1] = fill[1];
                    pixels[i + 2] = fill[2];
                }
            }
        }
        floats.put(0, 0, pixels);
    }

    /**
     * Per channel: the colour constancy gain if given (clamped to 255 as the contract says), then
     * (I * scale - mean) / std, written plane after plane (NCHW).
     */
    private void normaliseIntoPlanes(Mat hwc, double[] gains, Mat planes, MatScope scope) {
        int h = spec.height();
        int w = spec.width();
        for (int c = 0; c < 3; c++) {
            Mat plane = scope.add(planes.submat(c * h, (c + 1) * h, 0, w));
            Core.extractChannel(hwc, plane, c);
            if (gains != null) {
                plane.convertTo(plane, -1, gains[c]);
                Imgproc.threshold(plane, plane, 255, 255, Imgproc.THRESH_TRUNC);
            }
            float std = spec.std()[c];
            plane.convertTo(plane, -1, spec.scale() / std, -spec.mean()[c] / std);
        }
    }
}
