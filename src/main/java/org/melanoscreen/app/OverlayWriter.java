package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionMeasurer;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes a PNG of the frame with the lesion contour, the classifier's region, the risk and the probability. */
final class OverlayWriter {
    private final Path folder;

    OverlayWriter(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    Path write(Frame frame, ScreeningResult result) throws IOException {
        String base = Path.of(result.source()).getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path out = folder.resolve(base + ".overlay.png");
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
            Point[] contour = LesionMeasurer.largestContour(result.mask(), sx, sy);
            if (contour.length > 1) {
                MatOfPoint poly = scope.add(new MatOfPoint(contour));
                Imgproc.polylines(bgr, List.of(poly), true, colour, thickness, Imgproc.LINE_AA);
            }
            if (result.region() != null) {
                int[] r = result.region();
                Imgproc.rectangle(bgr, new Point(r[0], r[1]), new Point(r[2] - 1, r[3] - 1),
                        new Scalar(255, 255, 255), Math.max(1, thickness / 2));
            }
            String label = result.risk().name() + (result.melanomaProbability() == null ? ""
                    : String.format(Locale.ROOT, "  p=%.2f (thr %.2f)", result.melanomaProbability(),
                    result.referralThreshold()));
            double fontScale = Math.max(0.4, 0.7 * scale);
            int[] baseline = new int[1];
            org.opencv.core.Size size = Imgproc.getTextSize(label, Imgproc.FONT_HERSHEY_SIMPLEX, fontScale,
                    thickness, baseline);
            Imgproc.rectangle(bgr, new Point(0, 0), new Point(size.width + 8, size.height + baseline[0] + 8),
                    new Scalar(0, 0, 0), Imgproc.FILLED);
            Imgproc.putText(bgr, label, new Point(4, size.height + 4), Imgproc.FONT_HERSHEY_SIMPLEX, fontScale,
                    colour, thickness, Imgproc.LINE_AA);
            if (!Imgcodecs.imwrite(out.toString(), bgr)) {
                throw new IOException(out + ": overlay could not be written");
            }
        }
        return out;
    }
}
