package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.settings.Range;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfPoint;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Computes {@link LesionMeasurements} from the lesion mask and the frame. */
public final class LesionMeasurer {
    /** Share of the shape that must fail to overlap its mirror image for an axis to count as asymmetric. */
    static final double ASYMMETRY_AXIS_THRESHOLD = 0.12;
    /** Compactness above a disc's (1.0) per border-score point. */
    static final double COMPACTNESS_PER_BORDER_POINT = 0.125;
    /** Share of lesion pixels a colour must cover to count as present. */
    static final double COLOUR_MIN_SHARE = 0.05;
    /** RGB distance beyond which a pixel matches none of the reference colours. */
    static final double COLOUR_MAX_DISTANCE = 60;

    private static final Map<LesionMeasurements.DermoscopicColour, int[]> REFERENCE_RGB = new EnumMap<>(Map.of(
            LesionMeasurements.DermoscopicColour.WHITE, new int[]{220, 215, 210},
            LesionMeasurements.DermoscopicColour.RED, new int[]{190, 60, 60},
            LesionMeasurements.DermoscopicColour.LIGHT_BROWN, new int[]{170, 110, 70},
            LesionMeasurements.DermoscopicColour.DARK_BROWN, new int[]{100, 55, 35},
            LesionMeasurements.DermoscopicColour.BLUE_GREY, new int[]{110, 125, 140},
            LesionMeasurements.DermoscopicColour.BLACK, new int[]{35, 30, 30}));

    private final Double pixelPitchMm;

    /** Millimetres of skin per frame pixel: a dermatoscope sees 0.005-0.05; 1 mm would be no close-up at all. */
    public static final Range PIXEL_PITCH_MM = Range.aboveUpTo(0, 1);

    /** @param pixelPitchMm size of one frame pixel on the skin in millimetres, or null when unknown */
    public LesionMeasurer(Double pixelPitchMm) {
        if (pixelPitchMm != null) {
            PIXEL_PITCH_MM.check("pixel pitch (mm)", pixelPitchMm);
        }
        this.pixelPitchMm = pixelPitchMm;
    }

    /** Measures a non-empty mask (at any resolution) over a frame of any size. */
    public LesionMeasurements measure(Frame frame, BinaryMask mask) {
        double sx = (double) frame.width() / mask.width();
        double sy = (double) frame.height() / mask.height();
        double areaPx = mask.area() * sx * sy;
        Point[] contour = largestContour(mask, sx, sy);
        double perimeter = perimeter(contour);
        double diameterPx = maxFeretDiameter(contour);
        double compactness = areaPx > 0 ? perimeter * perimeter / (4 * Math.PI * areaPx) : 0;
        double[] asymmetry = asymmetry(mask, sx, sy);
        int asymmetryScore = 0;
        for (double a : asymmetry) {
            asymmetryScore += a > ASYMMETRY_AXIS_THRESHOLD ? 1 : 0;
        }
        int borderScore = (int) Math.max(0, Math.min(8,
                Math.round((compactness - 1) / COMPACTNESS_PER_BORDER_POINT)));
        List<LesionMeasurements.DermoscopicColour> colours = colours(frame, mask);
        double tds = 1.3 * asymmetryScore + 0.1 * borderScore + 0.5 * colours.size()
                + 0.5 * LesionMeasurements.DIFFERENTIAL_STRUCTURES_ASSUMED;
        Double pitch = pixelPitchMm;
        return new LesionMeasurements(areaPx, pitch == null ? null : areaPx * pitch * pitch, diameterPx,
                pitch == null ? null : diameterPx * pitch, asymmetry, asymmetryScore, compactness, borderScore,
                colours, tds);
    }

    /** The outer contour of the mask's largest region, in frame pixel coordinates. */
    public static Point[] largestContour(BinaryMask mask, double sx, double sy) {
        List<MatOfPoint> contours = new ArrayList<>();
        try (MatScope scope = new MatScope()) {
            Mat m = scope.add(new Mat(mask.height(), mask.width(), CvType.CV_8UC1));
            m.put(0, 0, mask.pixels());
            Imgproc.findContours(m, contours, scope.mat(), Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_NONE);
            contours.forEach(scope::add);
            MatOfPoint best = null;
            double bestArea = -1;
            for (MatOfPoint c : contours) {
                double a = Imgproc.contourArea(c);
                if (a > bestArea) {
                    bestArea = a;
                    best = c;
                }
            }
            if (best == null) {
                return new Point[0];
            }
            Point[] points = best.toArray();
            for (Point p : points) {
                p.x = (p.x + 0.5) * sx;
                p.y = (p.y + 0.5) * sy;
            }
            return points;
        }
    }

    private static double perimeter(Point[] contour) {
        if (contour.length < 2) {
            return 0;
        }
        try (MatScope scope = new MatScope()) {
            return Imgproc.arcLength(scope.add(new MatOfPoint2f(contour)), true);
        }
    }

    private static double maxFeretDiameter(Point[] contour) {
        if (contour.length == 0) {
            return 0;
        }
        Point[] hull;
        try (MatScope scope = new MatScope()) {
            MatOfPoint points = scope.add(new MatOfPoint(contour));
            MatOfInt indices = scope.add(new MatOfInt());
            Imgproc.convexHull(points, indices);
            int[] idx = indices.toArray();
            hull = new Point[idx.length];
            for (int i = 0; i < idx.length; i++) {
                hull[i] = contour[idx[i]];
            }
        }
        double bestSq = 0;
        for (int i = 0; i < hull.length; i++) {
            for (int j = i + 1; j < hull.length; j++) {
                double dx = hull[i].x - hull[j].x;
                double dy = hull[i].y - hull[j].y;
                bestSq = Math.max(bestSq, dx * dx + dy * dy);
            }
        }
        return Math.sqrt(bestSq);
    }

    /**
     * For each principal axis, the share of the lesion that does not overlap its mirror image about that axis
     * (0 = perfectly symmetric).
     */
    static double[] asymmetry(BinaryMask mask, double sx, double sy) {
        int w = mask.width();
        int h = mask.height();
        byte[] px = mask.pixels();
        double n = 0, mx = 0, my = 0;
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                if (px[i] != 0) {
                    n++;
                    mx += (x + 0.5) * sx;
                    my += (y + 0.5) * sy;
                }
            }
        }
        if (n == 0) {
            return new double[]{0, 0};
        }
        mx /= n;
        my /= n;
        double cxx = 0, cyy = 0, cxy = 0;
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                if (px[i] != 0) {
                    double dx = (x + 0.5) * sx - mx;
                    double dy = (y + 0.5) * sy - my;
                    cxx += dx * dx;
                    cyy += dy * dy;
                    cxy += dx * dy;
                }
            }
        }
        double theta = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
        return new double[]{mirrorMismatch(mask, sx, sy, mx, my, theta, n),
                mirrorMismatch(mask, sx, sy, mx, my, theta + Math.PI / 2, n)};
    }

    private static double mirrorMismatch(BinaryMask mask, double sx, double sy, double mx, double my, double theta,
                                         double area) {
        double c = Math.cos(2 * theta);
        double s = Math.sin(2 * theta);
        int w = mask.width();
        int h = mask.height();
        byte[] px = mask.pixels();
        int overlap = 0;
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                if (px[i] == 0) {
                    continue;
                }
                double dx = (x + 0.5) * sx - mx;
                double dy = (y + 0.5) * sy - my;
                double rx = (c * dx + s * dy + mx) / sx;
                double ry = (s * dx - c * dy + my) / sy;
                int qx = (int) Math.floor(rx);
                int qy = (int) Math.floor(ry);
                if (qx >= 0 && qx < w && qy >= 0 && qy < h && px[qy * w + qx] != 0) {
                    overlap++;
                }
            }
        }
        return 1 - overlap / area;
    }

    private static List<LesionMeasurements.DermoscopicColour> colours(Frame frame, BinaryMask mask) {
        byte[] rgb = new byte[mask.width() * mask.height() * 3];
        try (MatScope scope = new MatScope()) {
            Mat small = scope.mat();
            Imgproc.resize(frame.rgb(), small, new Size(mask.width(), mask.height()), 0, 0, Imgproc.INTER_AREA);
            small.get(0, 0, rgb);
        }
        LesionMeasurements.DermoscopicColour[] names = LesionMeasurements.DermoscopicColour.values();
        int[][] references = new int[names.length][];
        for (int k = 0; k < names.length; k++) {
            references[k] = REFERENCE_RGB.get(names[k]);
        }
        int[] counts = new int[names.length];
        int lesion = 0;
        byte[] px = mask.pixels();
        double maxSq = COLOUR_MAX_DISTANCE * COLOUR_MAX_DISTANCE;
        for (int i = 0; i < px.length; i++) {
            if (px[i] == 0) {
                continue;
            }
            lesion++;
            int r = rgb[3 * i] & 0xFF, g = rgb[3 * i + 1] & 0xFF, b = rgb[3 * i + 2] & 0xFF;
            int best = -1;
            double bestSq = maxSq;
            for (int k = 0; k < names.length; k++) {
                int[] ref = references[k];
                int d = sq(r - ref[0]) + sq(g - ref[1]) + sq(b - ref[2]);
                if (d < bestSq) {
                    bestSq = d;
                    best = k;
                }
            }
            if (best >= 0) {
                counts[best]++;
            }
        }
        List<LesionMeasurements.DermoscopicColour> present = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            if (lesion > 0 && counts[k] >= COLOUR_MIN_SHARE * lesion) {
                present.add(names[k]);
            }
        }
        return present;
    }

    private static int sq(int v) {
        return v * v;
    }
}
