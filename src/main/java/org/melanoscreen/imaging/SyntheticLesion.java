package org.melanoscreen.imaging;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated dermoscopic-like image with a known lesion mask: an irregular pigmented blob with a darker core
 * on skin-coloured texture, optionally with hairs, the dark vignette of a contact dermatoscope, and blur.
 * Used by tests, the demo and the simulated dermatoscope instead of real patient images.
 */
public record SyntheticLesion(byte[] rgb, BinaryMask mask, int width, int height) {

    /** What to generate; {@link #defaults(int, int, long)} gives a centred, sharp lesion. */
    public record Spec(int width, int height, long seed, double radiusFraction, double centreX, double centreY,
                       int hairs, boolean vignette, double blurSigma, double noise) {

        public static Spec defaults(int width, int height, long seed) {
            return new Spec(width, height, seed, 0.25, 0.5, 0.5, 0, false, 0, 4);
        }

        public Spec withHairs(int n) {
            return new Spec(width, height, seed, radiusFraction, centreX, centreY, n, vignette, blurSigma, noise);
        }

        public Spec withVignette() {
            return new Spec(width, height, seed, radiusFraction, centreX, centreY, hairs, true, blurSigma, noise);
        }

        public Spec withBlur(double sigma) {
            return new Spec(width, height, seed, radiusFraction, centreX, centreY, hairs, vignette, sigma, noise);
        }

        public Spec withRadius(double fraction) {
            return new Spec(width, height, seed, fraction, centreX, centreY, hairs, vignette, blurSigma, noise);
        }

        /** Skin alone: no lesion, an empty mask. */
        public Spec withoutLesion() {
            return withRadius(0);
        }

        public Spec withCentre(double x, double y) {
            return new Spec(width, height, seed, radiusFraction, x, y, hairs, vignette, blurSigma, noise);
        }
    }

    public Frame toFrame(String source) {
        return Frame.ofRgb(rgb, width, height, source);
    }

    public static SyntheticLesion generate(Spec spec) {
        OpenCvLoader.load();
        SplittableRandom random = new SplittableRandom(spec.seed());
        int w = spec.width();
        int h = spec.height();
        try (MatScope scope = new MatScope()) {
            Mat skin = skin(scope, w, h, random);
            Point centre = new Point(spec.centreX() * w, spec.centreY() * h);
            double radius = spec.radiusFraction() * Math.min(w, h);
            Mat outline = scope.add(new Mat(h, w, CvType.CV_8UC1, new Scalar(0)));
            MatOfPoint polygon = scope.add(blob(centre, radius, random, 1.0));
            if (radius > 0) {
                Imgproc.fillPoly(outline, List.of(polygon), new Scalar(255));
            }
            Mat core = scope.add(new Mat(h, w, CvType.CV_8UC1, new Scalar(0)));
            MatOfPoint corePolygon = scope.add(blob(new Point(centre.x + radius * 0.15 * (random.nextDouble() - 0.5),
                    centre.y + radius * 0.15 * (random.nextDouble() - 0.5)), radius * 0.55, random, 1.0));
            Imgproc.fillPoly(core, List.of(corePolygon), new Scalar(255));

            float[] image = new float[w * h * 3];
            skin.get(0, 0, image);
            float[] edge = softened(scope, outline, Math.max(1.0, radius * 0.04));
            float[] inner = softened(scope, core, Math.max(1.5, radius * 0.15));
            float[] lesionTexture = smoothNoise(scope, w, h, random, 6);
            float[] network = smoothNoise(scope, w, h, random, Math.max(8, w / 6));
            double[] light = {150 + 20 * random.nextDouble(), 95 + 15 * random.nextDouble(), 60 + 10 * random.nextDouble()};
            double[] dark = {70 + 15 * random.nextDouble(), 40 + 10 * random.nextDouble(), 30 + 10 * random.nextDouble()};
            for (int i = 0; i < w * h; i++) {
                double a = edge[i];
                if (a <= 0) {
                    continue;
                }
                double d = inner[i];
                double t = 1 + 0.25 * lesionTexture[i] + 0.25 * network[i];
                for (int c = 0; c < 3; c++) {
                    double pigment = ((1 - d) * light[c] + d * dark[c]) * t;
                    image[3 * i + c] = (float) ((1 - a) * image[3 * i + c] + a * pigment);
                }
            }
            Mat composed = scope.add(new Mat(h, w, CvType.CV_32FC3));
            composed.put(0, 0, image);
            drawHairs(composed, spec.hairs(), random, w, h);
            if (spec.blurSigma() > 0) {
                Imgproc.GaussianBlur(composed, composed, new Size(0, 0), spec.blurSigma());
            }
            composed.get(0, 0, image);
            finish(image, w, h, spec, random);

            byte[] rgb = new byte[image.length];
            for (int i = 0; i < image.length; i++) {
                rgb[i] = (byte) Math.max(0, Math.min(255, Math.round(image[i])));
            }
            byte[] outlinePixels = new byte[w * h];
            outline.get(0, 0, outlinePixels);
            for (int i = 0; i < outlinePixels.length; i++) {
                outlinePixels[i] = outlinePixels[i] != 0 ? (byte) 1 : 0;
            }
            return new SyntheticLesion(rgb, new BinaryMask(w, h, outlinePixels), w, h);
        }
    }

    private static Mat skin(MatScope scope, int w, int h, SplittableRandom random) {
        double[] base = {215 + 25 * random.nextDouble(), 165 + 25 * random.nextDouble(), 140 + 25 * random.nextDouble()};
        float[] texture = smoothNoise(scope, w, h, random, 10);
        float[] pores = smoothNoise(scope, w, h, random, Math.max(8, w / 5));
        float[] pixels = new float[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                pixels[3 * i + c] = (float) (base[c] * (1 + 0.05 * texture[i] + 0.04 * pores[i]));
            }
        }
        Mat skin = scope.add(new Mat(h, w, CvType.CV_32FC3));
        skin.put(0, 0, pixels);
        return skin;
    }

    /** Smooth noise in [-1, 1]: a coarse random grid upsampled bicubically. */
    private static float[] smoothNoise(MatScope scope, int w, int h, SplittableRandom random, int cells) {
        int gw = Math.max(2, cells);
        int gh = Math.max(2, cells * h / Math.max(1, w));
        float[] grid = new float[gw * gh];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) (2 * random.nextDouble() - 1);
        }
        Mat coarse = scope.add(new Mat(gh, gw, CvType.CV_32FC1));
        coarse.put(0, 0, grid);
        Mat fine = scope.mat();
        Imgproc.resize(coarse, fine, new Size(w, h), 0, 0, Imgproc.INTER_CUBIC);
        float[] out = new float[w * h];
        fine.get(0, 0, out);
        return out;
    }

    /** An irregular closed outline: a circle with random low-frequency radial harmonics. */
    private static MatOfPoint blob(Point centre, double radius, SplittableRandom random, double irregularity) {
        int harmonics = 5;
        double[] amplitude = new double[harmonics];
        double[] phase = new double[harmonics];
        for (int k = 0; k < harmonics; k++) {
            amplitude[k] = irregularity * 0.09 * random.nextDouble() / (1 + 0.3 * k);
            phase[k] = 2 * Math.PI * random.nextDouble();
        }
        double stretch = 0.8 + 0.4 * random.nextDouble();
        double tilt = Math.PI * random.nextDouble();
        int n = 180;
        Point[] points = new Point[n];
        for (int i = 0; i < n; i++) {
            double theta = 2 * Math.PI * i / n;
            double r = radius;
            for (int k = 0; k < harmonics; k++) {
                r += radius * amplitude[k] * Math.sin((k + 2) * theta + phase[k]);
            }
            double x = r * Math.cos(theta) * stretch;
            double y = r * Math.sin(theta) / stretch;
            points[i] = new Point(centre.x + x * Math.cos(tilt) - y * Math.sin(tilt),
                    centre.y + x * Math.sin(tilt) + y * Math.cos(tilt));
        }
        return new MatOfPoint(points);
    }

    private static float[] softened(MatScope scope, Mat binary, double sigma) {
        Mat f = scope.mat();
        binary.convertTo(f, CvType.CV_32FC1, 1 / 255.0);
        Imgproc.GaussianBlur(f, f, new Size(0, 0), sigma);
        float[] out = new float[binary.rows() * binary.cols()];
        f.get(0, 0, out);
        return out;
    }

    private static void drawHairs(Mat image, int hairs, SplittableRandom random, int w, int h) {
        for (int k = 0; k < hairs; k++) {
            Point a = new Point(random.nextDouble() * w, random.nextDouble() * h);
            double angle = 2 * Math.PI * random.nextDouble();
            double length = (0.3 + 0.5 * random.nextDouble()) * Math.max(w, h);
            double bend = (random.nextDouble() - 0.5) * 0.6;
            int segments = 12;
            Point[] points = new Point[segments + 1];
            for (int s = 0; s <= segments; s++) {
                double t = (double) s / segments;
                double theta = angle + bend * t;
                points[s] = new Point(a.x + Math.cos(theta) * length * t, a.y + Math.sin(theta) * length * t);
            }
            int thickness = Math.max(1, (int) Math.round(Math.max(w, h) / 300.0 * (1 + random.nextDouble())));
            try (MatScope scope = new MatScope()) {
                MatOfPoint line = scope.add(new MatOfPoint(points));
                Imgproc.polylines(image, List.of(line), false, new Scalar(45, 35, 30), thickness, Imgproc.LINE_AA);
            }
        }
    }

    private static void finish(float[] image, int w, int h, Spec spec, SplittableRandom random) {
        double cx = w / 2.0;
        double cy = h / 2.0;
        double rMax = Math.hypot(cx, cy);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                double gain = 1;
                if (spec.vignette()) {
                    double r = Math.hypot(x - cx, y - cy) / rMax;
                    gain = r < 0.75 ? 1 : Math.max(0.05, 1 - (r - 0.75) / 0.25 * 0.95);
                }
                for (int c = 0; c < 3; c++) {
                    double noise = spec.noise() * (random.nextDouble() * 2 - 1);
                    image[3 * i + c] = (float) (image[3 * i + c] * gain + noise);
                }
            }
        }
    }
}
