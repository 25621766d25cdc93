package org.melanoscreen.workflow;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** PNG encodings of what a stored result keeps: the frame used and the lesion mask. */
final class FramePng {
    private FramePng() {
    }

    static byte[] encode(Frame frame) {
        try (MatScope scope = new MatScope()) {
            Mat bgr = scope.mat();
            Imgproc.cvtColor(frame.rgb(), bgr, Imgproc.COLOR_RGB2BGR);
            return png(scope, bgr);
        }
    }

    static byte[] encode(BinaryMask mask) {
        byte[] pixels = new byte[mask.pixels().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = mask.pixels()[i] != 0 ? (byte) 255 : 0;
        }
        try (MatScope scope = new MatScope()) {
            Mat m = scope.add(new Mat(mask.height(), mask.width(), CvType.CV_8UC1));
            m.put(0, 0, pixels);
            return png(scope, m);
        }
    }

    private static byte[] png(MatScope scope, Mat image) {
        MatOfByte out = scope.add(new MatOfByte());
        if (!Imgcodecs.imencode(".png", image, out)) {
            throw new IllegalStateException("OpenCV could not encode a PNG");
        }
        return out.toArray();
    }
}
