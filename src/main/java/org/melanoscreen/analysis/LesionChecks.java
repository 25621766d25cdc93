package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.model.Segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the segmented lesion can support a LOW result: the frame is a camera's picture (not a flat, drawn or
 * generated one), a lesion is really in view (the segmenter is confident,
 * the lesion stands out from the skin around it and has texture, which bare skin and flat objects lack), there is
 * only one, it is clear of the frame's edge and of a sane size. Part of the quality gate.
 */
final class LesionChecks {
    static final String NO_LESION = "no lesion in view";
    static final String SEVERAL_LESIONS = "more than one lesion in view; centre one";
    static final String AT_BORDER = "lesion at the image border (it may be cut off)";
    static final String FLAT_PICTURE = "not a dermoscopic lesion image";

    /** The skin around the lesion: its bounding box grown by this share of its size on every side. */
    private static final double RING_GROWTH = 0.5;

    private final LesionSettings settings;

    LesionChecks(LesionSettings settings) {
        this.settings = settings;
    }

    /**
     * @param rgb       the frame at the gate's working size {@code w x h}, RGB bytes
     * @param flatShare {@link QualityGate#flatShare} of the frame
     */
    LesionFindings check(Segmentation seg, byte[] rgb, int w, int h, int frameWidth,
                         int frameHeight, double flatShare) {
        BinaryMask mask = seg.mask();
        List<String> reasons = new ArrayList<>();
        boolean flat = flatShare > settings.maxFlatShare();
        if (flat) {
            reasons.add(String.format(Locale.ROOT, "%s (a flat picture: %.0f%% of it without any change of "
                    + "brightness, a camera's at most %.0f%%)", FLAT_PICTURE, 100 * flatShare,
                    100 * settings.maxFlatShare()));
        }
        if (mask.isEmpty()) {
            reasons.add(NO_LESION);
            return new LesionFindings(false, reasons, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, flatShare);
        }
        Appearance look = appearance(rgb, w, h, mask);
        boolean looksPresent = seg.confidence() >= settings.minConfidence()
                && look.contrast() >= settings.minContrast() && look.texture() >= settings.minTexture();
        if (!looksPresent) {
            reasons.add(String.format(Locale.ROOT, "%s (segmenter confidence %.2f, lesion/skin contrast %.1f,"
                    + " texture %.1f)", NO_LESION, seg.confidence(), look.contrast(), look.texture()));
        }
        int area = mask.area();
        double otherShare = (double) seg.otherComponentArea() / area;
        if (otherShare > settings.maxOtherLesion()
                && seg.otherComponentArea() >= settings.minAreaFraction() * mask.width() * mask.height()) {
            reasons.add(SEVERAL_LESIONS);
        }
        double borderPx = borderDistance(mask, frameWidth, frameHeight);
        if (mask.touchesBorder() || borderPx < settings.borderMarginPx()) {
            reasons.add(String.format(Locale.ROOT, "%s: %.0f px from the edge", AT_BORDER, borderPx));
        }
        double fraction = (double) area / (mask.width() * mask.height());
        if (fraction < settings.minAreaFraction()) {
            reasons.add(String.format(Locale.ROOT, "lesion too small (%.1f%% of the image, minimum %.1f%%)",
                    100 * fraction, 100 * settings.minAreaFraction()));
        }
        if (fraction > settings.maxAreaFraction()) {
            reasons.add(String.format(Locale.ROOT, "lesion too large (%.1f%% of the image, maximum %.1f%%)",
                    100 * fraction, 100 * settings.maxAreaFraction()));
        }
        return new LesionFindings(looksPresent && !flat, List.copyOf(reasons), seg.confidence(), look.contrast(),
                look.texture(), otherShare, borderPx, flatShare);
    }

    /** Distance, in frame pixels, from the mask's bounding box (scaled to the frame) to the nearest frame edge. */
    static double borderDistance(BinaryMask mask, int frameWidth, int frameHeight) {
        int[] b = mask.bbox();
        double sx = (double) frameWidth / mask.width();
        double sy = (double) frameHeight / mask.height();
        return Math.min(Math.min(b[0] * sx, frameWidth - b[2] * sx), Math.min(b[1] * sy, frameHeight - b[3] * sy));
    }

    /** How the lesion looks against the skin: colour difference (delta E) and the spread of its brightness. */
    private record Appearance(double contrast, double texture) {
    }

    /** Sums of R, G, B, brightness, brightness squared and the pixel count of one region. */
    private static final class Sums {
        double r, g, b, luma, lumaSq;
        long n;

        void add(int red, int green, int blue) {
            double l = 0.299 * red + 0.587 * green + 0.114 * blue;
            r += red;
            g += green;
            b += blue;
            luma += l;
            lumaSq += l * l;
            n++;
        }

        double[] meanLab() {
            long count = Math.max(1, n);
            return lab(r / count, g / count, b / count);
        }

        double lumaSd() {
            if (n < 2) {
                return 0;
            }
            double mean = luma / n;
            return Math.sqrt(Math.max(0, lumaSq / n - mean * mean));
        }
    }

    /** Compares the lesion with the skin in its bounding box grown by {@link #RING_GROWTH} on every side. */
    private static Appearance appearance(byte[] rgb, int w, int h, BinaryMask mask) {
        int[] b = mask.bbox();
        double sx = (double) w / mask.width();
        double sy = (double) h / mask.height();
        int gx = (int) Math.ceil((b[2] - b[0]) * sx * RING_GROWTH);
        int gy = (int) Math.ceil((b[3] - b[1]) * sy * RING_GROWTH);
        int x0 = Math.max(0, (int) (b[0] * sx) - gx);
        int x1 = Math.min(w, (int) Math.ceil(b[2] * sx) + gx);
        int y0 = Math.max(0, (int) (b[1] * sy) - gy);
        int y1 = Math.min(h, (int) Math.ceil(b[3] * sy) + gy);
        int[] maskColumn = new int[w];
        for (int x = 0; x < w; x++) {
            maskColumn[x] = Math.min(mask.width() - 1, x * mask.width() / w);
        }
        byte[] lesion = mask.pixels();
        Sums inside = new Sums();
        Sums outside = new Sums();
        for (int y = y0; y < y1; y++) {
            int maskRow = Math.min(mask.height() - 1, y * mask.height() / h) * mask.width();
            for (int x = x0, i = 3 * (y * w + x0); x < x1; x++, i += 3) {
                (lesion[maskRow + maskColumn[x]] != 0 ? inside : outside)
                        .add(rgb[i] & 0xFF, rgb[i + 1] & 0xFF, rgb[i + 2] & 0xFF);
            }
        }
        double[] in = inside.meanLab();
        double[] out = outside.n == 0 ? in : outside.meanLab();
        double contrast = Math.sqrt(sq(in[0] - out[0]) + sq(in[1] - out[1]) + sq(in[2] - out[2]));
        return new Appearance(contrast, inside.lumaSd());
    }

    /** CIE L*a*b* (D65) of an sRGB colour with channels 0-255. */
    static double[] lab(double r, double g, double b) {
        double lr = linear(r / 255), lg = linear(g / 255), lb = linear(b / 255);
        double x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
        double y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb;
        double z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883;
        double fx = f(x), fy = f(y), fz = f(z);
        return new double[]{116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    private static double linear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }

    private static double sq(double v) {
        return v * v;
    }
}
