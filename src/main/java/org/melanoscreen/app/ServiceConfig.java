package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionMeasurer;
import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.device.HardwareException;
import org.melanoscreen.device.HardwareSettings;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.export.fhir.FhirSettings;
import org.melanoscreen.fleet.MqttSettings;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.settings.Range;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.workflow.ApplianceSettings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The service's configuration: built-in defaults, then one properties file, then command-line overrides.
 * Every key is known and checked at start; a bad key or value stops the service with a message naming it.
 */
public final class ServiceConfig {
    /** A lesion setting's default as the configuration file writes it: the value LesionSettings owns. */
    private static String lesionDefault(double value) {
        return Range.format(value);
    }


    /** A known key: its default ("" = unset), what values it takes and, for a number, the range its owner allows. */
    record Key(String name, String defaultValue, Kind kind, Range range, String help) {
        Key(String name, String defaultValue, Kind kind, String help) {
            this(name, defaultValue, kind, null, help);
        }
    }

    enum Kind { TEXT, INTEGER, NUMBER, BOOLEAN, OPTIONAL_NUMBER, PROVIDER, OPTIMISATION, HARDWARE, DICOM, FHIR, MQTT }

    private static final List<Key> SERVICE_KEYS = List.of(
            new Key("device.id", "melanoscreen", Kind.TEXT, "This appliance's name in results and audit lines."),
            new Key("models", "", Kind.TEXT, "Comma-separated model folders; empty = the shipped models."),
            new Key("models.threads", "0", Kind.INTEGER, SessionSettings.THREADS,
                    "ONNX Runtime intra-op threads per model (0 = one per core less one)."),
            new Key("models.provider", "cpu", Kind.PROVIDER, "cpu, cuda or tensorrt (falls back to cpu if absent)."),
            new Key("models.optimisation", "all", Kind.OPTIMISATION, "disabled, basic, extended or all."),
            new Key("source", "camera:/dev/dermatoscope", Kind.TEXT,
                    "Frames: camera:/dev/X?width=1280&height=720&fps=30&format=MJPG, folder:/path, or simulated "
                            + "(simulated?unplug-after=N&replug-after=M and freeze-after, fail-every act out camera "
                            + "faults). Checked at start."),
            new Key("optics.pixel_pitch_mm", "", Kind.OPTIONAL_NUMBER, LesionMeasurer.PIXEL_PITCH_MM,
                    "Skin size of one camera pixel in mm (from the dermatoscope optics); empty = diameters in px."),
            new Key("capture.burst_frames", "5", Kind.INTEGER, ApplianceSettings.BURST_FRAMES,
                    "Frames grabbed per capture."),
            new Key("capture.screen_best", "3", Kind.INTEGER, ApplianceSettings.BURST_FRAMES,
                    "Sharpest passing frames classified and combined."),
            new Key("capture.auto", "false", Kind.BOOLEAN, "Capture when a sharp, centred lesion holds still."),
            new Key("capture.hair_removal", "false", Kind.BOOLEAN, "Remove hairs (DullRazor) before segmenting."),
            new Key("capture.result_hold_s", "15", Kind.NUMBER, ApplianceSettings.RESULT_HOLD_S,
                    "Seconds a result is shown before READY."),
            new Key("capture.fault_retry_s", "5", Kind.NUMBER, ApplianceSettings.CHECK_INTERVAL_S,
                    "Seconds between checks of a FAULT's cause."),
            new Key("capture.health_interval_s", "5", Kind.NUMBER, ApplianceSettings.CHECK_INTERVAL_S,
                    "Seconds between camera/storage checks in READY."),
            new Key("quality.min_sharpness", "0.18", Kind.NUMBER, QualitySettings.SHARPNESS,
                    "Lowest focus measure on the lesion."),
            new Key("quality.max_clipped_high", "0.15", Kind.NUMBER, QualitySettings.SHARE,
                    "Largest saturated share of the centre."),
            new Key("quality.max_clipped_low", "0.05", Kind.NUMBER, QualitySettings.SHARE,
                    "Largest black share of the centre."),
            new Key("quality.min_mean_luma", "40", Kind.NUMBER, QualitySettings.LUMA,
                    "Darkest acceptable mean brightness (0-255)."),
            new Key("quality.max_mean_luma", "235", Kind.NUMBER, QualitySettings.LUMA,
                    "Brightest acceptable mean brightness (0-255)."),
            new Key("quality.max_colour_cast", "0.18", Kind.NUMBER, QualitySettings.COLOUR_CAST,
                    "Largest chromaticity distance from skin."),
            new Key("quality.max_centre_offset", "0.25", Kind.NUMBER, QualitySettings.CENTRE_OFFSET,
                    "Largest lesion offset, share of the diagonal."),
            new Key("lesion.min_area", lesionDefault(LesionSettings.DEFAULT.minAreaFraction()), Kind.NUMBER, LesionSettings.AREA,
                    "Smallest lesion (share of the image) that can be LOW."),
            new Key("lesion.max_area", lesionDefault(LesionSettings.DEFAULT.maxAreaFraction()), Kind.NUMBER, LesionSettings.AREA,
                    "Largest lesion (share of the image) that can be LOW."),
            new Key("lesion.border_margin_px", lesionDefault(LesionSettings.DEFAULT.borderMarginPx()), Kind.NUMBER, LesionSettings.BORDER_MARGIN_PX,
                    "Closest a LOW lesion may come to the frame edge (frame pixels)."),
            new Key("lesion.max_second_lesion", lesionDefault(LesionSettings.DEFAULT.maxOtherLesion()), Kind.NUMBER, LesionSettings.SECOND_LESION,
                    "Largest second lesion in view, as a share of the first."),
            new Key("lesion.min_confidence", lesionDefault(LesionSettings.DEFAULT.minConfidence()), Kind.NUMBER, LesionSettings.CONFIDENCE,
                    "Lowest mean segmenter confidence for a lesion to be in view."),
            new Key("lesion.min_contrast", lesionDefault(LesionSettings.DEFAULT.minContrast()), Kind.NUMBER, LesionSettings.CONTRAST,
                    "Lowest lesion/skin colour difference (delta E) for a lesion to be in view."),
            new Key("lesion.min_texture", lesionDefault(LesionSettings.DEFAULT.minTexture()), Kind.NUMBER, LesionSettings.TEXTURE,
                    "Lowest brightness spread (0-255) inside a lesion for it to be in view."),
            new Key("lesion.ood_check", String.valueOf(LesionSettings.DEFAULT.oodCheck()), Kind.BOOLEAN, "RETAKE a crop unlike the classifier's training images "
                    + "(off only for the demo's simulated lesions)."),
            new Key("store.data_dir", "", Kind.TEXT, "Results database, files and audit log; empty = "
                    + "./melanoscreen-data where it exists (a demo's), else /var/lib/melanoscreen."),
            new Key("store.min_free_mb", "200", Kind.INTEGER, StoreSettings.FREE_SPACE_FLOOR_MB,
                    "Below this free space no capture starts (FAULT)."),
            new Key("store.retention_days", "365", Kind.INTEGER, StoreSettings.RETENTION_DAYS,
                    "Delete results older than this; 0 keeps them."),
            new Key("store.retention_max_count", "100000", Kind.INTEGER, StoreSettings.RETENTION_COUNT,
                    "Keep at most this many; 0 keeps all."),
            new Key("control.socket", "", Kind.TEXT, "Unix socket for capture/cancel/status lines; empty = off."),
            new Key("control.stdin", "true", Kind.BOOLEAN, "Read capture/cancel/quit lines from standard input."));

    /**
     * The service's keys, then the lamps', button's and display's (checked together by HardwareSettings), then the
     * DICOM export's (checked by DicomSettings), the FHIR destination's (FhirSettings) and the fleet view's
     * (MqttSettings).
     */
    static final List<Key> KEYS = Stream.of(SERVICE_KEYS.stream(), HardwareSettings.KEYS.stream()
                    .map(k -> new Key(k.name(), k.defaultValue(), Kind.HARDWARE, k.help())),
            DicomSettings.KEYS.stream().map(k -> new Key(k.name(), k.defaultValue(), Kind.DICOM, k.help())),
            FhirSettings.KEYS.stream().map(k -> new Key(k.name(), k.defaultValue(), Kind.FHIR, k.help())),
            MqttSettings.KEYS.stream().map(k -> new Key(k.name(), k.defaultValue(), Kind.MQTT, k.help())))
            .flatMap(k -> k).toList();

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        KEYS.forEach(k -> BY_NAME.put(k.name(), k));
    }

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private ServiceConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** Defaults, then {@code file} (may be null), then {@code overrides}; every value checked. */
    public static ServiceConfig load(Path file, Map<String, String> overrides) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw new ConfigException(file + ": configuration file missing");
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
            }
            for (String name : new TreeMap<>(properties).keySet().stream().map(Object::toString).toList()) {
                put(values, name, properties.getProperty(name).trim(), file.toString());
                origins.put(name, file.toString());
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            put(values, o.getKey(), o.getValue().trim(), "command line");
            origins.put(o.getKey(), "--set");
        }
        ServiceConfig config = new ServiceConfig(values, origins);
        config.checkRelations();
        return config;
    }

    private static void put(Map<String, String> values, String name, String value, String origin)
            throws ConfigException {
        Key key = BY_NAME.get(name);
        if (key == null) {
            throw new ConfigException(origin + ": unknown configuration key '" + name + "' (known keys: "
                    + String.join(", ", BY_NAME.keySet()) + ")");
        }
        check(key, value, origin);
        values.put(name, value);
    }

    private static void check(Key key, String value, String origin) throws ConfigException {
        String problem = switch (key.kind()) {
            case TEXT, HARDWARE, DICOM, FHIR, MQTT -> null;
            case INTEGER -> !value.matches("-?\\d{1,9}") ? "must be a whole number " + key.range().describe()
                    : inRange(key, value);
            case NUMBER -> !isNumber(value) ? "must be a number " + key.range().describe() : inRange(key, value);
            case OPTIONAL_NUMBER -> value.isEmpty() ? null : !isNumber(value)
                    ? "must be empty or a number " + key.range().describe() : inRange(key, value);
            case BOOLEAN -> Set.of("true", "false").contains(value) ? null : "must be true or false";
            case PROVIDER -> Set.of("cpu", "cuda", "tensorrt").contains(value) ? null : "must be cpu, cuda or tensorrt";
            case OPTIMISATION -> Set.of("disabled", "basic", "extended", "all").contains(value) ? null
                    : "must be disabled, basic, extended or all";
        };
        if (problem != null) {
            throw new ConfigException(origin + ": " + key.name() + " = '" + value + "' " + problem);
        }
    }

    private static boolean isNumber(String value) {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Null when the number is in the range the key's owner allows, else what it must be. */
    private static String inRange(Key key, String value) {
        return key.range().contains(Double.parseDouble(value)) ? null : "is out of range: it must be "
                + key.range().describe();
    }

    private void checkRelations() throws ConfigException {
        if (integer("capture.screen_best") > integer("capture.burst_frames")) {
            throw new ConfigException("capture.screen_best must be between 1 and capture.burst_frames");
        }
        if (number("lesion.min_area") >= number("lesion.max_area")) {
            throw new ConfigException("lesion.min_area must be below lesion.max_area");
        }
        if (number("quality.min_mean_luma") >= number("quality.max_mean_luma")) {
            throw new ConfigException("quality.min_mean_luma must be below quality.max_mean_luma");
        }
        try {
            HardwareSettings.parse(values);
        } catch (HardwareException e) {
            throw new ConfigException(e.getMessage());
        }
        try {
            DicomSettings.parse(values);
            FhirSettings.parse(values);
            MqttSettings.parse(values);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (text("device.id").isBlank() || text("source").isBlank()) {
            throw new ConfigException("device.id and source must not be empty");
        }
        try {
            SourceFactory.parse(text("source"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("source: " + e.getMessage());
        }
    }

    public String text(String key) {
        return require(key);
    }

    public int integer(String key) {
        return Integer.parseInt(require(key));
    }

    public double number(String key) {
        return Double.parseDouble(require(key));
    }

    public Double optionalNumber(String key) {
        String v = require(key);
        return v.isEmpty() ? null : Double.valueOf(v);
    }

    public boolean bool(String key) {
        return Boolean.parseBoolean(require(key));
    }

    private String require(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no configuration key " + key);
        }
        return v;
    }

    /** Where the key's value came from: the file's name, "--set", or "the built-in default". */
    public String origin(String key) {
        require(key);
        return origins.getOrDefault(key, "the built-in default");
    }

    /** Every key with its effective value, in documentation order. */
    public Map<String, String> effective() {
        return Collections.unmodifiableMap(values);
    }

    /** The keys whose values differ between {@code previous} and this configuration, as "key: old -> new". */
    public List<String> changesSince(Map<String, String> previous) {
        List<String> changes = new ArrayList<>();
        for (Key k : KEYS) {
            String before = previous.get(k.name());
            String now = values.get(k.name());
            if (before != null && !before.equals(now)) {
                changes.add(k.name() + ": '" + before + "' -> '" + now + "'");
            }
        }
        return changes;
    }

    /** The documented configuration file with every key at its default, as shipped in device/. */
    static String documentedDefaults() {
        StringBuilder sb = new StringBuilder();
        sb.append("# melanoscreen service configuration. Every key is listed with its built-in default;\n");
        sb.append("# unknown keys and bad values stop the service with a message naming them.\n");
        String section = "";
        for (Key k : KEYS) {
            String prefix = k.name().contains(".") ? k.name().substring(0, k.name().indexOf('.')) : k.name();
            if (!prefix.equals(section)) {
                sb.append('\n');
                section = prefix;
            }
            sb.append("# ").append(k.help()).append(k.range() == null ? "" : " Range: " + k.range().describe() + ".")
                    .append('\n');
            sb.append(k.name()).append(" = ").append(k.defaultValue()).append('\n');
        }
        return sb.toString();
    }

    /** A configuration that cannot be used; the message names the key or file and the reason. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }
}
