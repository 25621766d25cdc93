package org.melanoscreen.app;

import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningSettings;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.settings.Range;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Options shared by every command that screens files. They read the service's configuration (built-in defaults,
 * then {@code --config}, then {@code --set}) and each option below overrides one of its keys, so these commands
 * given the device's configuration file screen exactly as the device does. The defaults are the keys' (listed in
 * device/melanoscreen.conf), so no option here has one of its own.
 */
public final class ModelOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file, as the service uses "
            + "(quality, lesion, optics and models keys apply; see device/melanoscreen.conf).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The keys the options below set, applied after --config and --set. */
    private final Map<String, String> options = new LinkedHashMap<>();

    private ServiceConfig config;

    @Option(names = "--models", paramLabel = "DIR", split = ",",
            description = "Model folders, or a folder of model folders (key models; default: the shipped models/).")
    List<Path> models;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads per model, 0 to 64 "
            + "(key models.threads; 0 = one per core less one, at least one).")
    void threads(int n) {
        set("--threads", "models.threads", n);
    }

    @Option(names = "--opt-level", paramLabel = "LEVEL",
            description = "Graph optimisation: ${COMPLETION-CANDIDATES} (key models.optimisation).")
    void optimisation(SessionSettings.OptimisationLevel level) {
        options.put("models.optimisation", level.label());
    }

    @Option(names = "--provider", paramLabel = "EP", description = "Execution provider: ${COMPLETION-CANDIDATES}; "
            + "falls back to CPU when not in this build (key models.provider).")
    void provider(SessionSettings.ExecutionProvider provider) {
        options.put("models.provider", provider.label());
    }

    @Option(names = "--pixel-pitch-mm", paramLabel = "MM",
            description = "Size of one image pixel on the skin in mm (above 0, at most 1), from the dermatoscope "
                    + "optics (key optics.pixel_pitch_mm; diameters in mm are omitted without it).")
    void pixelPitchMm(double mm) {
        set("--pixel-pitch-mm", "optics.pixel_pitch_mm", mm);
    }

    @Option(names = "--hair-removal", description = "Remove hairs (DullRazor) before segmenting (key "
            + "capture.hair_removal).")
    void hairRemoval(boolean on) {
        options.put("capture.hair_removal", Boolean.toString(on));
    }

    @Option(names = "--no-tta", description = "Classify the identity view alone, without the classifier's test-time "
            + "views (key models.tta=false; the manifest's single-view referral threshold then applies).")
    void noTta(boolean off) {
        options.put("models.tta", Boolean.toString(!off));
    }

    @Option(names = "--min-lesion-area", paramLabel = "FRACTION", description = "Smallest lesion, as a fraction of "
            + "the image, that can give LOW (key lesion.min_area).")
    void minLesionArea(double fraction) {
        set("--min-lesion-area", "lesion.min_area", fraction);
    }

    @Option(names = "--max-lesion-area", paramLabel = "FRACTION", description = "Largest lesion, as a fraction of "
            + "the image, that can give LOW (key lesion.max_area).")
    void maxLesionArea(double fraction) {
        set("--max-lesion-area", "lesion.max_area", fraction);
    }

    /** Sets {@code key}, or a usage error (exit 2) naming the option and the range the key's owner declares. */
    private void set(String option, String key, double value) {
        Range range = ServiceConfig.key(key).range();
        if (!range.contains(value)) {
            throw new ParameterException(command.commandLine(), "Invalid value for option '" + option + "': "
                    + Range.format(value) + " is out of range; it must be " + range.describe());
        }
        options.put(key, Range.format(value));
    }

    /** The configuration these options describe; a bad file, key or value is a setup error (exit 2). */
    ServiceConfig config() {
        if (config == null) {
            Map<String, String> overrides = new LinkedHashMap<>(settings);
            overrides.putAll(options);
            if (models != null && !models.isEmpty()) {
                overrides.put("models", models.stream().map(Path::toString).collect(Collectors.joining(",")));
            }
            try {
                config = ServiceConfig.load(configFile, overrides);
            } catch (ServiceConfig.ConfigException e) {
                throw new SetupException(e.getMessage(), e);
            }
        }
        return config;
    }

    public SessionSettings sessionSettings() {
        return ServiceParts.sessionSettings(config());
    }

    public ModelSet loadModels() throws ModelException {
        return ModelSet.load(ServiceParts.modelFolders(config()), sessionSettings());
    }

    /** How the configuration screens: quality, lesion checks, optics, hair removal, test-time views. */
    public ScreeningSettings screeningSettings() {
        return ScreeningSettings.from(config().values());
    }

    /** The pipeline for the configuration, built as the service builds it. */
    public ScreeningPipeline pipeline(ModelSet models) throws ModelException {
        return screeningSettings().pipeline(models);
    }
}
