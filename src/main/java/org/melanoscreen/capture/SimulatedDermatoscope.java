package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.melanoscreen.imaging.OpenCvLoader;
import org.melanoscreen.imaging.SyntheticLesion;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A dermatoscope without hardware: a sequence of placements on synthetic lesions, each held for a while with
 * the small hand motion, focus drift and sensor noise of a real hand-held scope. Each placement starts out of
 * focus (the scope being lowered onto the skin) and some go strongly out of focus for a moment later on.
 * The lesion is rendered once per placement (that takes 50-150 ms); each frame only shifts, blurs and adds
 * noise to it. Frames depend only on the seed and their number, never on timing, so a seed replays exactly.
 */
public final class SimulatedDermatoscope implements FrameSource {
    private static final double LOWERING_SECONDS = 0.6;
    private static final double LOWERING_BLUR = 8;
    private static final double EPISODE_SECONDS = 1.5;
    private static final double EPISODE_BLUR = 6;
    private static final double NOISE_SIGMA = 3;

    /**
     * @param fps                frames per second delivered; {@link #grab()} sleeps to keep this pace
     * @param framesPerPlacement frames before the scope moves to a new lesion
     * @param faults             camera faults to act out, so FAULT and recovery can be watched with no camera
     */
    public record Settings(int width, int height, double fps, long seed, int framesPerPlacement, Faults faults) {
        public Settings {
            if (width < 64 || height < 64 || width > 4096 || height > 4096) {
                throw new IllegalArgumentException("simulated dermatoscope: size " + width + "x" + height
                        + " must be 64..4096 pixels a side");
            }
            if (!(fps > 0 && fps <= 120)) {
                throw new IllegalArgumentException("simulated dermatoscope: fps " + fps + " must be above 0, at most 120");
            }
            if (framesPerPlacement < 1) {
                throw new IllegalArgumentException("simulated dermatoscope: frames per placement " + framesPerPlacement
                        + " must be at least 1");
            }
            if (faults == null) {
                throw new IllegalArgumentException("simulated dermatoscope: faults missing (use Faults.NONE)");
            }
        }

        /** No faults. */
        public Settings(int width, int height, double fps, long seed, int framesPerPlacement) {
            this(width, height, fps, seed, framesPerPlacement, Faults.NONE);
        }

        /** 640x480 at 12 fps, a new lesion every 12.5 s, no faults. */
        public static Settings defaults(long seed) {
            return new Settings(640, 480, 12, seed, 150);
        }
    }

    /**
     * Camera faults the simulation acts out, counted in grabs so that they replay exactly; 0 switches one off.
     * They fail the way a real camera does, so the appliance treats them as it treats one.
     *
     * @param unplugAfter  after this many frames the scope is unplugged: every grab fails
     * @param replugAfter  ... for this many grabs, then it is plugged back in (0: it stays unplugged)
     * @param freezeAfter  after this many frames the driver hangs: the same frame comes back again and again
     * @param freezeFrames ... for this many grabs, then live frames resume (0: it stays frozen)
     * @param frozenLimit  identical frames in a row after which the scope counts as lost, as the camera's
     *                     {@code frozen-frames}
     * @param failEvery    every this many grabs, one read fails (a flaky USB connection)
     */
    public record Faults(int unplugAfter, int replugAfter, int freezeAfter, int freezeFrames, int frozenLimit,
                         int failEvery) {
        public static final Faults NONE = new Faults(0, 0, 0, 0, 60, 0);

        public Faults {
            for (int v : new int[]{unplugAfter, replugAfter, freezeAfter, freezeFrames, failEvery}) {
                if (v < 0) {
                    throw new IllegalArgumentException("simulated dermatoscope: fault counts must not be negative");
                }
            }
            if (frozenLimit < 1) {
                throw new IllegalArgumentException("simulated dermatoscope: frozen-frames " + frozenLimit
                        + " must be at least 1");
            }
        }

        /** The faults switched on, as source options. */
        String describe() {
            List<String> on = new ArrayList<>();
            if (unplugAfter > 0) {
                on.add("unplug-after=" + unplugAfter + (replugAfter > 0 ? "&replug-after=" + replugAfter : ""));
            }
            if (freezeAfter > 0) {
                on.add("freeze-after=" + freezeAfter + (freezeFrames > 0 ? "&freeze-frames=" + freezeFrames : "")
                        + "&frozen-frames=" + frozenLimit);
            }
            if (failEvery > 0) {
                on.add("fail-every=" + failEvery);
            }
            return String.join("&", on);
        }
    }

    private final Settings settings;
    private final Ticker ticker;
    private final long periodNanos;
    private long frameNumber;
    private long nextDueNanos;
    private Placement placement;
    private final FrozenFrameDetector frozen;
    private long grabs;
    private long unpluggedGrabs;
    private long frozenGrabs;
    private Mat frozenFrame;

    public SimulatedDermatoscope(Settings settings) {
        this(settings, Ticker.SYSTEM);
    }

    SimulatedDermatoscope(Settings settings, Ticker ticker) {
        OpenCvLoader.load();
        this.settings = settings;
        this.ticker = ticker;
        this.periodNanos = Math.round(1e9 / settings.fps());
        this.frozen = new FrozenFrameDetector();
    }

    @Override
    public Frame grab() throws CaptureException {
        pace();
        grabs++;
        Faults f = settings.faults();
        if (f.failEvery() > 0 && grabs % f.failEvery() == 0) {
            throw fault("read error (fail-every=" + f.failEvery() + ")", "none: a simulated flaky connection; the "
                    + "next grab works");
        }
        if (f.unplugAfter() > 0 && frameNumber >= f.unplugAfter()
                && (f.replugAfter() == 0 || unpluggedGrabs < f.replugAfter())) {
            unpluggedGrabs++;
            throw fault("unplugged (unplug-after=" + f.unplugAfter() + ")", f.replugAfter() == 0
                    ? "remove unplug-after from the source option to plug the simulated scope back in"
                    : "none: the simulated scope is plugged back in after " + f.replugAfter() + " failed grabs");
        }
        Frame frame = f.freezeAfter() > 0 && frameNumber >= f.freezeAfter() ? frozen() : live();
        if (f.freezeAfter() > 0 && frozen.observe(frame.rgb()) + 1 >= f.frozenLimit()) {
            frame.close();
            throw fault("lost (frozen: " + f.frozenLimit() + " identical frames in a row, freeze-after="
                    + f.freezeAfter() + ")", f.freezeFrames() == 0
                    ? "remove freeze-after from the source option to unfreeze the simulated scope"
                    : "none: the simulated scope delivers live frames again after " + f.freezeFrames() + " grabs");
        }
        return frame;
    }

    private Frame live() {
        long n = frameNumber++;
        long index = n / settings.framesPerPlacement();
        if (placement == null || placement.index != index) {
            if (placement != null) {
                placement.close();
            }
            placement = new Placement(settings, index);
        }
        int k = (int) (n % settings.framesPerPlacement());
        String source = String.format(Locale.ROOT, "simulated dermatoscope (seed %d, placement %d, frame %d)",
                settings.seed(), index, n);
        return new Frame(placement.render(k, new SplittableRandom(mix(settings.seed(), ~n))), source);
    }

    /** A copy of the last live frame while frozen; live frames again once the freeze is over. */
    private Frame frozen() {
        Faults f = settings.faults();
        if (frozenFrame == null) {
            try (Frame last = live()) {
                frozenFrame = last.rgb().clone();
            }
        }
        if (f.freezeFrames() > 0 && frozenGrabs >= f.freezeFrames()) {
            return live();
        }
        frozenGrabs++;
        return new Frame(frozenFrame.clone(), "simulated dermatoscope (frozen at frame " + (frameNumber - 1) + ")");
    }

    private CaptureException fault(String what, String remedy) {
        return new CaptureException("simulated dermatoscope: " + what + " at grab " + grabs, remedy);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "simulated dermatoscope %dx%d at %.1f fps, seed %d", settings.width(),
                settings.height(), settings.fps(), settings.seed())
                + (settings.faults().equals(Faults.NONE) ? "" : ", acting out " + settings.faults().describe());
    }

    @Override
    public void close() {
        frozen.close();
        if (frozenFrame != null) {
            frozenFrame.release();
            frozenFrame = null;
        }
        if (placement != null) {
            placement.close();
            placement = null;
        }
    }

    private void pace() throws CaptureException {
        long now = ticker.nanoTime();
        if (frameNumber > 0 && now < nextDueNanos) {
            try {
                ticker.sleep((nextDueNanos - now + 999_999) / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CaptureException("simulated dermatoscope: interrupted", e);
            }
        }
        // Falling behind restarts the schedule instead of delivering a burst to catch up.
        nextDueNanos = (frameNumber > 0 ? Math.max(nextDueNanos, now) : now) + periodNanos;
    }

    private static long mix(long seed, long n) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n).nextLong();
    }

    /** One lesion under the scope: its sharp rendering and the motion and focus plan for the frames on it. */
    private static final class Placement implements AutoCloseable {
        final long index;
        private final Settings settings;
        private final Mat sharp;
        private final double shiftAmplitude;
        private final double tiltDegrees;
        private final double[] phase = new double[5];
        private final int episodeStart;
        private final int episodeFrames;
        private final int loweringFrames;

        Placement(Settings settings, long index) {
            this.index = index;
            this.settings = settings;
            SplittableRandom random = new SplittableRandom(mix(settings.seed(), index));
            // Argument order is evaluation order: each draw from the seeded generator has a fixed place.
            SyntheticLesion lesion = SyntheticLesion.generate(new SyntheticLesion.Spec(settings.width(),
                    settings.height(), random.nextLong(), 0.12 + 0.16 * random.nextDouble(),
                    0.4 + 0.2 * random.nextDouble(), 0.4 + 0.2 * random.nextDouble(), random.nextInt(4), false, 0, 2));
            this.sharp = new Mat(settings.height(), settings.width(), CvType.CV_8UC3);
            sharp.put(0, 0, lesion.rgb());
            this.shiftAmplitude = (0.008 + 0.012 * random.nextDouble()) * Math.min(settings.width(), settings.height());
            this.tiltDegrees = 0.5 + 1.5 * random.nextDouble();
            for (int i = 0; i < phase.length; i++) {
                phase[i] = 2 * Math.PI * random.nextDouble();
            }
            int frames = settings.framesPerPlacement();
            this.loweringFrames = Math.max(1, (int) Math.round(LOWERING_SECONDS * settings.fps()));
            this.episodeFrames = Math.max(1, (int) Math.round(EPISODE_SECONDS * settings.fps()));
            this.episodeStart = random.nextDouble() < 0.6
                    ? (int) (frames * (0.3 + 0.4 * random.nextDouble())) : Integer.MAX_VALUE;
        }

        /** Frame {@code k} of this placement, as a new RGB Mat the caller owns. */
        Mat render(int k, SplittableRandom noise) {
            double t = k / settings.fps();
            double dx = shiftAmplitude * (Math.sin(0.9 * t + phase[0]) + 0.35 * Math.sin(3.7 * t + phase[1]));
            double dy = shiftAmplitude * (Math.sin(0.7 * t + phase[2]) + 0.35 * Math.sin(3.1 * t + phase[3]));
            double angle = tiltDegrees * Math.sin(0.5 * t + phase[4]);
            Mat frame = new Mat();
            try (MatScope scope = new MatScope()) {
                Mat motion = scope.add(Imgproc.getRotationMatrix2D(
                        new Point(settings.width() / 2.0, settings.height() / 2.0), angle, 1.0));
                double[] m = new double[6];
                motion.get(0, 0, m);
                m[2] += dx;
                m[5] += dy;
                motion.put(0, 0, m);
                Imgproc.warpAffine(sharp, frame, motion, sharp.size(), Imgproc.INTER_LINEAR, Core.BORDER_REFLECT_101);
            }
            double sigma = blur(k, t);
            if (sigma > 0.3) {
                Imgproc.GaussianBlur(frame, frame, new Size(0, 0), sigma);
            }
            addNoise(frame, noise);
            return frame;
        }

        /** Gaussian blur sigma of frame k: lowering onto the skin, a slow focus drift, and maybe one bad moment. */
        private double blur(int k, double t) {
            double lowering = k < loweringFrames ? LOWERING_BLUR * (1 - (double) k / loweringFrames) : 0;
            double drift = Math.max(0, 1.6 * Math.sin(2 * Math.PI * t / 7 + phase[0]) - 0.6);
            double episode = k >= episodeStart && k < episodeStart + episodeFrames
                    ? EPISODE_BLUR * Math.sin(Math.PI * (k - episodeStart + 0.5) / episodeFrames) : 0;
            return Math.max(lowering, Math.max(drift, episode));
        }

        /** Sensor noise, roughly Gaussian (the sum of two uniform bytes), added in one bulk copy each way. */
        private static void addNoise(Mat frame, SplittableRandom random) {
            byte[] pixels = new byte[(int) (frame.total() * frame.channels())];
            frame.get(0, 0, pixels);
            double scale = NOISE_SIGMA / 104.5;
            int i = 0;
            while (i < pixels.length) {
                long bits = random.nextLong();
                for (int j = 0; j < 4 && i < pixels.length; j++, i++) {
                    int a = (int) (bits >>> (16 * j)) & 0xFF;
                    int b = (int) (bits >>> (16 * j + 8)) & 0xFF;
                    int v = (pixels[i] & 0xFF) + (int) Math.round((a + b - 255) * scale);
                    pixels[i] = (byte) Math.max(0, Math.min(255, v));
                }
            }
            frame.put(0, 0, pixels);
        }

        @Override
        public void close() {
            sharp.release();
        }
    }
}
