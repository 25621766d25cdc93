package org.melanoscreen.capture;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a frame source from a one-line specification, as written in the service configuration:
 * <pre>
 * camera:/dev/dermatoscope?width=1280&amp;height=720&amp;fps=30&amp;format=MJPG
 * camera:0                       (V4L2 index; every option as in {@link CameraSettings#defaults})
 * folder:/var/lib/melanoscreen/replay?loop=true
 * simulated                      (or simulated:SEED, simulated?seed=7&amp;width=640&amp;height=480&amp;fps=12)
 * simulated?unplug-after=60&amp;replug-after=3   (camera faults acted out, see {@link SimulatedDermatoscope.Faults})
 * </pre>
 * Camera options: width, height, fps, format (MJPG, YUYV, ANY), warmup, read-failures, frozen-frames,
 * backoff-ms, backoff-max-ms. Folder options: loop (default false). Simulated options: seed, width, height, fps,
 * placement-frames, and the faults unplug-after, replug-after, freeze-after, freeze-frames, frozen-frames,
 * fail-every. Option names may be written with '_' for '-'. {@link #parse} checks all of it (unknown options,
 * bad values, a folder that is not there) without opening anything, so a service can refuse to start on a typo.
 */
public final class SourceFactory {
    /** The configuration key naming the source; {@link #from} checks its value. */
    public static final List<Key> KEYS = List.of(Key.owned("source", "camera:/dev/dermatoscope",
            "Frames: camera:/dev/X?width=1280&height=720&fps=30&format=MJPG, folder:/path, or simulated "
                    + "(simulated?unplug-after=N&replug-after=M and freeze-after, fail-every act out camera "
                    + "faults). Checked at start."));

    private static final Set<String> CAMERA_KEYS = Set.of("width", "height", "fps", "format", "warmup",
            "read-failures", "frozen-frames", "backoff-ms", "backoff-max-ms");
    private static final Set<String> FOLDER_KEYS = Set.of("loop");
    private static final Set<String> SIMULATED_KEYS = Set.of("seed", "width", "height", "fps", "placement-frames",
            "unplug-after", "replug-after", "freeze-after", "freeze-frames", "frozen-frames", "fail-every");

    /** A checked specification, ready to open as often as needed. */
    public interface Plan {
        /**
         * Opens the source; a {@link CaptureException} means the specification is right but the source cannot be
         * used now (a folder with no images). A camera is not opened here: its first {@code grab()} does that, so
         * the service starts without one.
         */
        FrameSource open() throws CaptureException;
    }

    private SourceFactory() {
    }

    /** The source the {@code source} key names; a bad one is an {@link IllegalArgumentException} naming the key. */
    public static Plan from(Values v) {
        try {
            return parse(v.text("source"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("source: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the specification; an {@link IllegalArgumentException} says what is wrong with it, quoting it
     * (an unknown kind or option, a bad value, a folder that does not exist).
     */
    public static Plan parse(String spec) {
        Spec s = Spec.parse(spec);
        return switch (s.kind) {
            case "camera" -> {
                CameraSettings camera = camera(s);
                yield () -> new CameraSource(camera);
            }
            case "folder" -> {
                s.allow(FOLDER_KEYS);
                s.requireTarget("a folder, as in folder:/path/to/images");
                boolean loop = s.bool("loop", false);
                Path folder = Path.of(s.target);
                if (!Files.isDirectory(folder)) {
                    throw s.error(folder + " is not a folder (or it does not exist)");
                }
                yield () -> FolderSource.open(folder, loop);
            }
            case "simulated" -> {
                SimulatedDermatoscope.Settings simulated = simulated(s);
                yield () -> new SimulatedDermatoscope(simulated);
            }
            default -> throw s.error("unknown kind '" + s.kind + "'; use camera:, folder: or simulated");
        };
    }

    /** {@link #parse}, then {@link Plan#open}. */
    public static FrameSource open(String spec) throws CaptureException {
        return parse(spec).open();
    }

    /** The camera settings a {@code camera:} specification describes. */
    public static CameraSettings cameraSettings(String spec) {
        Spec s = Spec.parse(spec);
        if (!s.kind.equals("camera")) {
            throw s.error("not a camera: specification");
        }
        return camera(s);
    }

    /** The settings a {@code simulated} specification describes. */
    static SimulatedDermatoscope.Settings simulatedSettings(String spec) {
        Spec s = Spec.parse(spec);
        if (!s.kind.equals("simulated")) {
            throw s.error("not a simulated specification");
        }
        return simulated(s);
    }

    private static CameraSettings camera(Spec s) {
        s.allow(CAMERA_KEYS);
        s.requireTarget("a device, as in camera:/dev/video0 or camera:0");
        CameraSettings d;
        try {
            d = CameraSettings.defaults(s.target);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
        int width = s.integer("width", d.width());
        int height = s.integer("height", d.height());
        int fps = s.integer("fps", d.fps());
        PixelFormat format = s.format(d.format());
        int warmup = s.integer("warmup", d.warmupFrames());
        int readFailures = s.integer("read-failures", d.readFailureLimit());
        int frozenFrames = s.integer("frozen-frames", d.frozenFrameLimit());
        long backoff = s.whole("backoff-ms", d.backoffInitialMs());
        long backoffMax = s.whole("backoff-max-ms", d.backoffMaxMs());
        try {
            return new CameraSettings(d.device(), width, height, fps, format, warmup, readFailures, frozenFrames,
                    backoff, backoffMax);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    private static SimulatedDermatoscope.Settings simulated(Spec s) {
        s.allow(SIMULATED_KEYS);
        if (!s.target.isEmpty() && s.options.containsKey("seed")) {
            throw s.error("give the seed once, as simulated:SEED or simulated?seed=SEED");
        }
        long seed = s.target.isEmpty() ? s.whole("seed", 1) : s.parseLong("seed", s.target);
        SimulatedDermatoscope.Settings d = SimulatedDermatoscope.Settings.defaults(seed);
        int width = s.integer("width", d.width());
        int height = s.integer("height", d.height());
        double fps = s.number("fps", d.fps());
        int placementFrames = s.integer("placement-frames", d.framesPerPlacement());
        SimulatedDermatoscope.Faults none = SimulatedDermatoscope.Faults.NONE;
        int[] f = {s.integer("unplug-after", none.unplugAfter()), s.integer("replug-after", none.replugAfter()),
                s.integer("freeze-after", none.freezeAfter()), s.integer("freeze-frames", none.freezeFrames()),
                s.integer("frozen-frames", none.frozenLimit()), s.integer("fail-every", none.failEvery())};
        try {
            SimulatedDermatoscope.Faults faults = new SimulatedDermatoscope.Faults(f[0], f[1], f[2], f[3], f[4], f[5]);
            return new SimulatedDermatoscope.Settings(width, height, fps, seed, placementFrames, faults);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    /** {@code kind[:target][?key=value&...]}, split up. */
    private record Spec(String text, String kind, String target, Map<String, String> options) {
        static Spec parse(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("frame source is empty: use camera:DEVICE, folder:PATH or simulated");
            }
            String rest = text.strip();
            Map<String, String> options = new LinkedHashMap<>();
            int q = rest.indexOf('?');
            if (q >= 0) {
                for (String pair : rest.substring(q + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("frame source '" + text + "': option '" + pair
                                + "' is not key=value");
                    }
                    options.put(pair.substring(0, eq).toLowerCase(Locale.ROOT).replace('_', '-'), pair.substring(eq + 1));
                }
                rest = rest.substring(0, q);
            }
            int colon = rest.indexOf(':');
            String kind = (colon < 0 ? rest : rest.substring(0, colon)).toLowerCase(Locale.ROOT);
            return new Spec(text, kind, colon < 0 ? "" : rest.substring(colon + 1), options);
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException("frame source '" + text + "': " + message);
        }

        void allow(Set<String> keys) {
            for (String key : options.keySet()) {
                if (!keys.contains(key)) {
                    throw error("unknown option '" + key + "' for " + kind + "; known: " + String.join(", ",
                            keys.stream().sorted().toList()));
                }
            }
        }

        void requireTarget(String what) {
            if (target.isEmpty()) {
                throw error("needs " + what);
            }
        }

        int integer(String key, int fallback) {
            long v = whole(key, fallback);
            if (v != (int) v) {
                throw error(key + " " + v + " is out of range");
            }
            return (int) v;
        }

        long whole(String key, long fallback) {
            String v = options.get(key);
            return v == null ? fallback : parseLong(key, v);
        }

        long parseLong(String key, String v) {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw error(key + " '" + v + "' is not a whole number");
            }
        }

        double number(String key, double fallback) {
            String v = options.get(key);
            try {
                return v == null ? fallback : Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw error(key + " '" + v + "' is not a number");
            }
        }

        boolean bool(String key, boolean fallback) {
            String v = options.get(key);
            if (v == null) {
                return fallback;
            }
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw error(key + " '" + v + "' is not true or false");
            };
        }

        PixelFormat format(PixelFormat fallback) {
            String v = options.get("format");
            if (v == null) {
                return fallback;
            }
            try {
                return PixelFormat.valueOf(v.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error("format '" + v + "' is not MJPG, YUYV or ANY");
            }
        }
    }
}
