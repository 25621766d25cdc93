package org.melanoscreen.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Milliseconds spent in each stage of one screening, in the order the stages ran. */
public final class StageTimings {
    public static final String DECODE = "decode";
    public static final String HAIR_REMOVAL = "hair_removal";
    public static final String PREPROCESS = "preprocess";
    public static final String SEGMENT = "segment";
    public static final String POSTPROCESS = "postprocess";
    public static final String QUALITY = "quality";
    public static final String CLASSIFY = "classify";
    public static final String MEASURE = "measure";

    private final Map<String, Double> millis = new LinkedHashMap<>();
    private long started = System.nanoTime();

    /** Restarts the clock for the next stage. */
    public void start() {
        started = System.nanoTime();
    }

    /** Adds the time since the last {@link #start()} or {@code stop} to {@code stage} and restarts the clock. */
    public void stop(String stage) {
        long now = System.nanoTime();
        millis.merge(stage, (now - started) / 1e6, Double::sum);
        started = now;
    }

    public Map<String, Double> millis() {
        return Collections.unmodifiableMap(millis);
    }
}
