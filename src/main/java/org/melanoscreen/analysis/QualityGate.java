package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.melanoscreen.model.Segmentation;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a frame is good enough to screen: focus on the lesion, exposure, colour cast, and one lesion
 * that is really in view, centred, clear of the border and of a sane size ({@link LesionChecks}). Works on a copy scaled to a fixed width so
 * that its thresholds do not depend on the camera's resolution.
 */
public final class QualityGate {
    static final int WORKING_WIDTH = 256;
    /** Height of the window, at the frame's own resolution, in which {@link #flatShare} is measured. */
    static final int FLAT_WINDOW_HEIGHT = 192;
    /** Chromaticity (r, g, b summing to 1) of typical skin under a dermatoscope's white light. */
    private static final double[] SKIN_CHROMATICITY = {0.42, 0.32, 0.26};
    /** Share of the frame, around its centre, used for exposure: dermatoscope images have dark corners. */
    private static final double CENTRAL_SHARE = 0.6;
    /** Smoothing before the focus measure, so that sensor noise does not pass for detail. */
    private static final double NOISE_SIGMA = 1.0;
    /** Exposure and colour cast are means over the frame: every other pixel each way estimates them well. */
    private static final int MEAN_SAMPLE_STEP = 2;
    /** Length of the re-blur filter of the focus measure. */
    private static final int BLUR_TAPS = 9;

    /** 1 / (r + g + b) for every possible sum, so that the per-pixel chromaticity needs no division. */
    private static final double[] RECIPROCALS = new double[3 * 255 + 1];

    static {
        for (int i = 1; i < RECIPROCALS.length; i++) {
            RECIPROCALS[i] = 1.0 / i;
        }
    }

    private final QualitySettings settings;
    private final LesionChecks lesionChecks;

    public QualityGate(QualitySettings settings, LesionSettings lesion) {
        this.settings = settings;
        this.lesionChecks = new LesionChecks(lesion);
    }

    public QualityReport assess(Frame frame, Segmentation seg) {
        BinaryMask mask = seg.mask();
        int w = WORKING_WIDTH;
        int h = Math.max(1, (int) Math.round((double) frame.height() * w / frame.width()));
        byte[] rgb = new byte[w * h * 3];
        float[] gray = new float[w * h];
        try (MatScope scope = new MatScope()) {
            Mat small = frame.rgb();
            if (frame.width() != w || frame.height() != h) {
                small = scope.mat();
                Imgproc.resize(frame.rgb(), small, new Size(w, h), 0, 0, Imgproc.INTER_AREA);
            }
            small.get(0, 0, rgb);
            Mat g = scope.mat();
            Imgproc.cvtColor(small, g, Imgproc.COLOR_RGB2GRAY);
            Mat gf = scope.mat();
            g.convertTo(gf, CvType.CV_32F);
            Imgproc.GaussianBlur(gf, gf, new Size(0, 0), NOISE_SIGMA);
            gf.get(0, 0, gray);
        }
        List<String> reasons = new ArrayList<>();
        double[] exposure = exposure(rgb, w, h);
        if (exposure[0] > settings.maxClippedHigh()) {
            reasons.add(percent("over-exposed: %.0f%% of the centre is saturated", exposure[0]));
        }
        if (exposure[1] > settings.maxClippedLow()) {
            reasons.add(percent("under-exposed: %.0f%% of the centre is black", exposure[1]));
        }
        if (exposure[2] < settings.minMeanLuma()) {
            reasons.add(String.format(Locale.ROOT, "too dark (mean brightness %.0f)", exposure[2]));
        } else if (exposure[2] > settings.maxMeanLuma()) {
            reasons.add(String.format(Locale.ROOT, "too bright (mean brightness %.0f)", exposure[2]));
        }
        double cast = colourCast(rgb, mask, w, h);
        if (cast > settings.maxColourCast()) {
            reasons.add(String.format(Locale.ROOT, "colour cast (%.2f from skin colour)", cast));
        }
        double sharpness = Double.NaN;
        double offset = Double.NaN;
        double area = (double) mask.area() / (mask.width() * mask.height());
        LesionFindings lesion = lesionChecks.check(seg, rgb, w, h, frame.width(), frame.height(), flatShare(frame));
        reasons.addAll(lesion.reasons());
        if (!mask.isEmpty()) {
            sharpness = sharpness(gray, mask, w, h);
            if (sharpness < settings.minSharpness()) {
                reasons.add(String.format(Locale.ROOT, "out of focus (sharpness %.3f)", sharpness));
            }
            offset = centreOffset(mask);
            if (offset > settings.maxCentreOffset()) {
                reasons.add(percent("lesion not centred (%.0f%% of the diagonal off centre)", offset));
            }
        }
        return new QualityReport(reasons.isEmpty(), List.copyOf(reasons), sharpness, exposure[0], exposure[1],
                exposure[2], cast, offset, area, lesion);
    }

    /**
     * The share of pixels whose integer brightness equals that of the next pixel to the right and of the next one
     * below, in a window of at most {@link #WORKING_WIDTH} x {@link #FLAT_WINDOW_HEIGHT} at the centre of the frame at
     * its own resolution (scaling down would average away the camera noise that tells a photograph from a drawing).
     */
    static double flatShare(Frame frame) {
        int w = Math.min(frame.width(), WORKING_WIDTH);
        int h = Math.min(frame.height(), FLAT_WINDOW_HEIGHT);
        if (w < 2 || h < 2) {
            return 0;
        }
        int x0 = (frame.width() - w) / 2;
        int y0 = (frame.height() - h) / 2;
        byte[] rgb = new byte[w * h * 3];
        try (MatScope scope = new MatScope()) {
            scope.add(frame.rgb().submat(y0, y0 + h, x0, x0 + w)).get(0, 0, rgb);
        }
        int[] luma = new int[w * h];
        for (int i = 0, j = 0; i < luma.length; i++, j += 3) {
            luma[i] = (299 * (rgb[j] & 0xFF) + 587 * (rgb[j + 1] & 0xFF) + 114 * (rgb[j + 2] & 0xFF)) / 1000;
        }
        long flat = 0;
        for (int y = 0; y < h - 1; y++) {
            for (int x = 0, i = y * w; x < w - 1; x++, i++) {
                if (luma[i] == luma[i + 1] && luma[i] == luma[i + w]) {
                    flat++;
                }
            }
        }
        return (double) flat / ((long) (w - 1) * (h - 1));
    }

    private static String percent(String format, double share) {
        return String.format(Locale.ROOT, format, 100 * share);
    }

    /** {share saturated, share black, mean luma} over the central region. */
    private static double[] exposure(byte[] rgb, int w, int h) {
        int x0 = (int) (w * (1 - CENTRAL_SHARE) / 2);
        int y0 = (int) (h * (1 - CENTRAL_SHARE) / 2);
        int x1 = w - x0;
        int y1 = h - y0;
        long high = 0, low = 0, n = 0;
        double luma = 0;
        for (int y = y0; y < y1; y += MEAN_SAMPLE_STEP) {
            for (int x = x0; x < x1; x += MEAN_SAMPLE_STEP) {
                int i = 3 * (y * w + x);
                int r = rgb[i] & 0xFF, g = rgb[i + 1] & 0xFF, b = rgb[i + 2] & 0xFF;
                if (r >= 250 || g >= 250 || b >= 250) {
                    high++;
                }
                double l = 0.299 * r + 0.587 * g + 0.114 * b;
                if (l <= 8) {
                    low++;
                }
                luma += l;
                n++;
            }
        }
        return new double[]{(double) high / n, (double) low / n, luma / n};
    }

    /** Distance of the mean chromaticity of the non-lesion, non-dark pixels from typical skin. */
    private static double colourCast(byte[] rgb, BinaryMask mask, int w, int h) {
        int[] maskColumn = new int[w];
        for (int x = 0; x < w; x++) {
            maskColumn[x] = Math.min(mask.width() - 1, x * mask.width() / w);
        }
        byte[] lesion = mask.pixels();
        double sumR = 0, sumG = 0, sumB = 0;
        long n = 0;
        for (int y = 0; y < h; y += MEAN_SAMPLE_STEP) {
            int maskRow = Math.min(mask.height() - 1, y * mask.height() / h) * mask.width();
            for (int x = 0, i = 3 * y * w; x < w; x += MEAN_SAMPLE_STEP, i += 3 * MEAN_SAMPLE_STEP) {
                if (lesion[maskRow + maskColumn[x]] != 0) {
                    continue;
                }
                int r = rgb[i] & 0xFF, g = rgb[i + 1] & 0xFF, b = rgb[i + 2] & 0xFF;
                int total = r + g + b;
                if (total < 60) {
                    continue;
                }
                double inverse = RECIPROCALS[total];
                sumR += r * inverse;
                sumG += g * inverse;
                sumB += b * inverse;
                n++;
            }
        }
        if (n == 0) {
            return 0;
        }
        return Math.sqrt(sq(sumR / n - SKIN_CHROMATICITY[0]) + sq(sumG / n - SKIN_CHROMATICITY[1])
                + sq(sumB / n - SKIN_CHROMATICITY[2]));
    }

    /**
     * 1 minus the blur estimate of Crete et al. (2007) over the lesion's bounding box grown by a quarter: how much
     * of the neighbouring-pixel variation a strong re-blur removes. An already blurred image loses little, a sharp
     * one a lot, and the ratio hardly depends on the lesion's contrast.
     */
    private static double sharpness(float[] gray, BinaryMask mask, int w, int h) {
        int[] b = mask.bbox();
        double sx = (double) w / mask.width();
        double sy = (double) h / mask.height();
        int gx = (int) ((b[2] - b[0]) * sx / 4);
        int gy = (int) ((b[3] - b[1]) * sy / 4);
        int x0 = Math.max(0, (int) (b[0] * sx) - gx);
        int x1 = Math.min(w, (int) Math.ceil(b[2] * sx) + gx);
        int y0 = Math.max(0, (int) (b[1] * sy) - gy);
        int y1 = Math.min(h, (int) Math.ceil(b[3] * sy) + gy);
        if (x1 - x0 < 3 || y1 - y0 < 3) {
            return 0;
        }
        return 1 - Math.max(blurAlong(gray, w, x0, y0, x1, y1, reBlurEnds(w), true),
                blurAlong(gray, w, x0, y0, x1, y1, reBlurEnds(h), false));
    }

    /**
     * For each position along a line of {@code n} pixels, the two samples whose difference over {@link #BLUR_TAPS}
     * is the difference between neighbouring values of the box re-blur: with B[i] the mean of v[i-4..i+4],
     * B[i] - B[i-1] = (v[i+4] - v[i-5]) / 9, which spares filtering the whole image. Positions outside the line
     * mirror into it as in OpenCV's default border (reflect 101).
     */
    static int[][] reBlurEnds(int n) {
        int half = BLUR_TAPS / 2;
        int[][] ends = new int[2][n];
        for (int i = 0; i < n; i++) {
            ends[0][i] = reflect101(i + half, n);
            ends[1][i] = reflect101(i - half - 1, n);
        }
        return ends;
    }

    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    /**
     * The share of neighbour differences (pixels side by side when {@code across}, else one above the other) that
     * survives re-blurring along the same direction; {@code ends} are {@link #reBlurEnds} of that direction.
     */
    private static double blurAlong(float[] gray, int w, int x0, int y0, int x1, int y1, int[][] ends,
                                    boolean across) {
        int step = across ? 1 : w;
        int startX = across ? x0 + 1 : x0;
        int startY = across ? y0 : y0 + 1;
        float perTap = 1f / BLUR_TAPS;
        double original = 0, lost = 0;
        for (int y = startY; y < y1; y++) {
            // a row's sums (at most a few hundred terms) are exact enough in float, which keeps this loop fast
            float rowOriginal = 0, rowLost = 0;
            int row = y * w;
            for (int x = startX, i = row + startX; x < x1; x++, i++) {
                float d = Math.abs(gray[i] - gray[i - step]);
                float db = across
                        ? Math.abs(gray[row + ends[0][x]] - gray[row + ends[1][x]]) * perTap
                        : Math.abs(gray[ends[0][y] * w + x] - gray[ends[1][y] * w + x]) * perTap;
                rowOriginal += d;
                rowLost += Math.max(0f, d - db);
            }
            original += rowOriginal;
            lost += rowLost;
        }
        return original == 0 ? 1 : (original - lost) / original;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double centreOffset(BinaryMask mask) {
        double cx = 0, cy = 0;
        long n = 0;
        for (int y = 0, i = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++, i++) {
                if (mask.pixels()[i] != 0) {
                    cx += x + 0.5;
                    cy += y + 0.5;
                    n++;
                }
            }
        }
        double dx = cx / n - mask.width() / 2.0;
        double dy = cy / n - mask.height() / 2.0;
        return Math.hypot(dx, dy) / Math.hypot(mask.width(), mask.height());
    }
}
