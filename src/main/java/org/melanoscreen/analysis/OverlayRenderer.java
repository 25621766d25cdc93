package org.melanoscreen.analysis;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.util.List;

/** Draws the lesion contour, the classifier's region, the risk and the probability on a frame, as PNG. */
public final class OverlayRenderer {
    private OverlayRenderer() {
    }

    public static byte[] png(Frame frame, ScreeningResult result) {
        Scalar colour = switch (result.risk()) {
            case REFER -> new Scalar(40, 40, 230);
            case LOW -> new Scalar(60, 180, 60);
            case RETAKE -> new Scalar(0, 170, 255);
        };
        double scale = Math.max(frame.width(), frame.height()) / 640.0;
        int thickness = Math.max(1, (int) Math.round(2 * scale));
        try (MatScope scope = new MatScope()) {
            Mat bgr = scope.mat();
            Imgproc.cvtColor(frame.rgb(), bgr, Imgproc.COLOR_RGB2BGR);
            double sx = (double) frame.width() / result.mask().width();
            double sy = (double) frame.height() / result.mask().height();
            org.opencv.core.Point[] contour = LesionMeasurer.largestContour(result.mask(), sx, sy);
            if (contour.length > 1) {
                MatOfPoint poly = scope.add(new MatOfPoint(contour));
                Imgproc.polylines(bgr, List.of(poly), true, colour, thickness, Imgproc.LINE_AA);
            }
            if (result.region() != null) {
                int[] r = result.region();
                Imgproc.rectangle(bgr, new Point(r[0], r[1]), new Point(r[2] - 1, r[3] - 1),
                        new Scalar(255, 255, 255), Math.max(1, thickness / 2));
            }
            String label = label(result);
            double fontScale = Math.max(0.4, 0.7 * scale);
            int[] baseline = new int[1];
            Size size = Imgproc.getTextSize(label, Imgproc.FONT_HERSHEY_SIMPLEX, fontScale, thickness, baseline);
            Imgproc.rectangle(bgr, new Point(0, 0), new Point(size.width + 8, size.height + baseline[0] + 8),
                    new Scalar(0, 0, 0), Imgproc.FILLED);
            Imgproc.putText(bgr, label, new Point(4, size.height + 4), Imgproc.FONT_HERSHEY_SIMPLEX, fontScale,
                    colour, thickness, Imgproc.LINE_AA);
            MatOfByte png = scope.add(new MatOfByte());
            if (!Imgcodecs.imencode(".png", bgr, png)) {
                throw new IllegalStateException("OpenCV could not encode the overlay as PNG");
            }
            return png.toArray();
        }
    }

    /** The overlay's caption: "LOW  p=0.1456 (refer at >= 0.146)". */
    static String label(ScreeningResult result) {
        return result.risk().name() + (result.melanomaProbability() == null ? ""
                : "  " + ReferralFigures.of(result.melanomaProbability(), result.referralThreshold()).sentence());
    }
}
