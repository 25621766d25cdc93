package org.melanoscreen.imaging;

import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.photo.Photo;

/**
 * DullRazor-style hair removal (Lee et al., 1997): thin dark structures are found with a morphological
 * black-hat, thresholded, and painted over from their surroundings. The kernel scales with the frame so that
 * it covers a hair's width at any resolution.
 */
public final class HairRemoval {
    private static final double KERNEL_PER_PIXEL_OF_WIDTH = 9.0 / 256;
    private static final double BLACKHAT_THRESHOLD = 10;
    private static final double INPAINT_RADIUS = 3;

    private HairRemoval() {
    }

    public static Frame apply(Frame frame) {
        int k = (int) Math.round(frame.width() * KERNEL_PER_PIXEL_OF_WIDTH);
        k = Math.max(3, k | 1);
        Mat out = new Mat();
        try (MatScope scope = new MatScope()) {
            Mat gray = scope.mat();
            Imgproc.cvtColor(frame.rgb(), gray, Imgproc.COLOR_RGB2GRAY);
            Mat kernel = scope.add(Imgproc.getStructuringElement(Imgproc.MORPH_CROSS, new Size(k, k)));
            Mat blackhat = scope.mat();
            Imgproc.morphologyEx(gray, blackhat, Imgproc.MORPH_BLACKHAT, kernel);
            Mat hairs = scope.mat();
            Imgproc.threshold(blackhat, hairs, BLACKHAT_THRESHOLD, 255, Imgproc.THRESH_BINARY);
            Photo.inpaint(frame.rgb(), hairs, out, INPAINT_RADIUS, Photo.INPAINT_TELEA);
        }
        return new Frame(out, frame.source());
    }
}
