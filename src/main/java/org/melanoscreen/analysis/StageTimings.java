package org.melanoscreen.analysis;

import org.melanoscreen.model.Prediction;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Milliseconds spent in each stage of one screening, in the order the stages ran, and their {@link #TOTAL}: the
 * time the screening took on its own thread. Stages that ran on another thread meanwhile are listed but not added
 * to the total.
 */
public final class StageTimings {
    public static final String DECODE = "decode";
    public static final String HAIR_REMOVAL = "hair_removal";
    public static final String PREPROCESS = "preprocess";
    public static final String SEGMENT = "segment";
    public static final String POSTPROCESS = "postprocess";
    public static final String QUALITY = "quality";
    public static final String CLASSIFY = "classify";
    public static final String MEASURE = "measure";
    public static final String TOTAL = "total";

    private final Map<String, Double> millis = new LinkedHashMap<>();
    private double totalMillis;
    private long started = System.nanoTime();

    /** Restarts the clock for the next stage. */
    public void start() {
        started = System.nanoTime();
    }

    /** Adds the time since the last {@link #start()} or {@code stop} to {@code stage} and restarts the clock. */
    public void stop(String stage) {
        millis.merge(stage, lap(), Double::sum);
    }

    /**
     * Adds a model call ({@link Prediction}) since the last start or stop: its inference and post-processing to
     * {@code model} and {@code postprocess}, the rest of that time (its pre-processing and whatever ran on this thread
     * before it) to {@code preprocess}; restarts the clock.
     */
    public void stop(Prediction<?> call, String preprocess, String model, String postprocess) {
        double elapsed = lap();
        millis.merge(preprocess, Math.max(0, elapsed - call.inferenceMs() - call.postprocessMs()), Double::sum);
        millis.merge(model, call.inferenceMs(), Double::sum);
        millis.merge(postprocess, call.postprocessMs(), Double::sum);
    }

    /** Adds the time since the last start or stop to the total only: waiting for stages that ran beside. */
    public void stopWaiting() {
        lap();
    }

    /** Adds a stage that another thread ran while this one worked; the total does not include it. */
    public void addBeside(String stage, double ms) {
        millis.merge(stage, ms, Double::sum);
    }

    /** Adds every stage of {@code other}, which another thread ran meanwhile; the total does not include them. */
    public void addBeside(StageTimings other) {
        other.millis.forEach(this::addBeside);
    }

    private double lap() {
        long now = System.nanoTime();
        double ms = (now - started) / 1e6;
        totalMillis += ms;
        started = now;
        return ms;
    }

    /** The stages, then {@link #TOTAL}. */
    public Map<String, Double> millis() {
        Map<String, Double> out = new LinkedHashMap<>(millis);
        out.put(TOTAL, totalMillis);
        return Collections.unmodifiableMap(out);
    }
}
