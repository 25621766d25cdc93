package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionMeasurer;
import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Options shared by every command that screens: which models, how to run them, how to measure. */
public final class ModelOptions {
    @Option(names = "--models", paramLabel = "DIR", split = ",",
            description = "Model folders, or a folder of model folders (default: the shipped models/).")
    List<Path> models;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int threads;

    @Option(names = "--opt-level", paramLabel = "LEVEL", defaultValue = "ALL",
            description = "Graph optimisation: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    SessionSettings.OptimisationLevel optimisation;

    @Option(names = "--provider", paramLabel = "EP", defaultValue = "CPU",
            description = "Execution provider: ${COMPLETION-CANDIDATES}; falls back to CPU when not in this build "
                    + "(default ${DEFAULT-VALUE}).")
    SessionSettings.ExecutionProvider provider;

    Double pixelPitchMm;

    @Option(names = "--hair-removal", description = "Remove hairs (DullRazor) before segmenting.")
    boolean hairRemoval;

    @Option(names = "--no-tta",
            description = "Classify the identity view alone, without the classifier's test-time views (as "
                    + "models.tta=false; the manifest's single-view referral threshold then applies).")
    boolean noTta;

    double minLesionArea;

    double maxLesionArea;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime intra-op threads per model, 0 to 64 (0 = one per core less one, at least one; "
                    + "default ${DEFAULT-VALUE}).")
    void threads(int n) {
        threads = (int) inRange("--threads", n, SessionSettings.THREADS);
    }

    @Option(names = "--pixel-pitch-mm", paramLabel = "MM",
            description = "Size of one image pixel on the skin in mm (above 0, at most 1), from the dermatoscope "
                    + "optics (diameters in mm are omitted without it).")
    void pixelPitchMm(double mm) {
        pixelPitchMm = inRange("--pixel-pitch-mm", mm, LesionMeasurer.PIXEL_PITCH_MM);
    }

    @Option(names = "--min-lesion-area", paramLabel = "FRACTION", defaultValue = "0.01",
            description = "Smallest lesion, as a fraction of the image, that can give LOW (default ${DEFAULT-VALUE}).")
    void minLesionArea(double fraction) {
        minLesionArea = inRange("--min-lesion-area", fraction, LesionSettings.AREA);
    }

    @Option(names = "--max-lesion-area", paramLabel = "FRACTION", defaultValue = "0.85",
            description = "Largest lesion, as a fraction of the image, that can give LOW (default ${DEFAULT-VALUE}).")
    void maxLesionArea(double fraction) {
        maxLesionArea = inRange("--max-lesion-area", fraction, LesionSettings.AREA);
    }

    /** {@code value}, or a usage error (exit 2) naming the option and the range its setting's owner allows. */
    private double inRange(String option, double value, Range range) {
        if (!range.contains(value)) {
            throw new ParameterException(command.commandLine(), "Invalid value for option '" + option + "': "
                    + Range.format(value) + " is out of range; it must be " + range.describe());
        }
        return value;
    }

    public SessionSettings sessionSettings() {
        return new SessionSettings(threads, optimisation, provider);
    }

    public List<Path> modelLocations() {
        return models == null || models.isEmpty() ? List.of(defaultModels()) : models;
    }

    public ModelSet loadModels() throws ModelException {
        return ModelSet.load(modelLocations(), sessionSettings());
    }

    /** The pipeline for these options; the lesion areas are checked against each other here (exit 2). */
    public ScreeningPipeline pipeline(ModelSet models) throws ModelException {
        if (minLesionArea >= maxLesionArea) {
            throw new ParameterException(command.commandLine(), "--min-lesion-area " + Range.format(minLesionArea)
                    + " must be below --max-lesion-area " + Range.format(maxLesionArea));
        }
        return ScreeningPipeline.create(models, screeningSettings());
    }

    /** How these options screen: the default quality settings, the lesion areas, pitch, hair removal, views. */
    public ScreeningSettings screeningSettings() {
        return new ScreeningSettings(QualitySettings.DEFAULT,
                LesionSettings.DEFAULT.withArea(minLesionArea, maxLesionArea), pixelPitchMm, hairRemoval, !noTta);
    }

    /**
     * {@code ./models} when run from the project; else {@code models} beside the jar (installed:
     * /usr/share/melanoscreen/models) or beside the jar's folder (a build: target/../models).
     */
    static Path defaultModels() {
        Path local = Path.of("models");
        if (Files.isDirectory(local)) {
            return local;
        }
        try {
            Path jarFolder = Path.of(ModelOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
            for (Path candidate : List.of(jarFolder.resolve("models"), jarFolder.resolveSibling("models"))) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return local;
        }
        return local;
    }
}
