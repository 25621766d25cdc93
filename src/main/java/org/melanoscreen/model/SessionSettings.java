package org.melanoscreen.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;
import org.melanoscreen.settings.Values;
import org.tinylog.Logger;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/** ONNX Runtime session options, configured by the {@code models.*} session keys ({@link #KEYS}). */
public record SessionSettings(int intraOpThreads, OptimisationLevel optimisation, ExecutionProvider provider) {

    public enum OptimisationLevel {
        DISABLED(OrtSession.SessionOptions.OptLevel.NO_OPT),
        BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
        EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
        ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

        private final OrtSession.SessionOptions.OptLevel ort;

        OptimisationLevel(OrtSession.SessionOptions.OptLevel ort) {
            this.ort = ort;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum ExecutionProvider {
        CPU(OrtProvider.CPU), CUDA(OrtProvider.CUDA), TENSORRT(OrtProvider.TENSOR_RT);

        private final OrtProvider ort;

        ExecutionProvider(OrtProvider ort) {
            this.ort = ort;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Intra-op threads per model: 0 (the default) or a count no device needs more of. */
    public static final Range THREADS = Range.closed(0, 64);

    public static final List<Key> KEYS = List.of(
            Key.integer("models.threads", 0, THREADS,
                    "ONNX Runtime intra-op threads per model (0 = one per core less one)."),
            Key.choice("models.provider", ExecutionProvider.CPU.label(),
                    Arrays.stream(ExecutionProvider.values()).map(ExecutionProvider::label).toList(),
                    "cpu, cuda or tensorrt (falls back to cpu if absent)."),
            Key.choice("models.optimisation", OptimisationLevel.ALL.label(),
                    Arrays.stream(OptimisationLevel.values()).map(OptimisationLevel::label).toList(),
                    "disabled, basic, extended or all."));

    public static final SessionSettings DEFAULT = from(Values.defaults(KEYS));

    public static SessionSettings from(Values v) {
        return new SessionSettings(v.integer("models.threads"),
                v.choice("models.optimisation", OptimisationLevel.class),
                v.choice("models.provider", ExecutionProvider.class));
    }

    public SessionSettings {
        THREADS.check("intra-op threads per model (0 = one per core less one)", intraOpThreads);
    }

    /**
     * The intra-op threads each session gets: as configured, or for 0 one per core less one (at least one), which
     * leaves a core for the quality gate and measurements that run beside the classifier, the camera and the
     * display. On 2 cores one model thread is also faster than ONNX Runtime's own default of two.
     */
    public int effectiveThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Builds the options; a GPU provider missing from this ONNX Runtime build is logged and replaced by CPU,
     * so a Jetson image with a CPU-only runtime still screens.
     */
    OrtSession.SessionOptions toOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(effectiveThreads());
            options.setOptimizationLevel(optimisation.ort);
            if (provider != ExecutionProvider.CPU) {
                addProvider(options);
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** The provider that sessions built from these settings actually run on. */
    public ExecutionProvider effectiveProvider() {
        return provider == ExecutionProvider.CPU || available().contains(provider.ort) ? provider : ExecutionProvider.CPU;
    }

    private void addProvider(OrtSession.SessionOptions options) {
        if (!available().contains(provider.ort)) {
            Logger.warn("Execution provider {} is not in this ONNX Runtime build (available: {}); falling back to CPU",
                    provider.label(), available());
            return;
        }
        try {
            if (provider == ExecutionProvider.CUDA) {
                options.addCUDA(0);
            } else {
                options.addTensorrt(0);
            }
        } catch (OrtException e) {
            Logger.warn("Execution provider {} could not be initialised ({}); falling back to CPU",
                    provider.label(), e.getMessage());
        }
    }

    private static EnumSet<OrtProvider> available() {
        return OrtEnvironment.getAvailableProviders();
    }
}
