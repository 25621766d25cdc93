package org.melanoscreen.analysis;

import org.melanoscreen.imaging.Frame;

/**
 * A frame made ready for the models ({@link ScreeningPipeline#prepare}, {@link ScreeningPipeline#read} or a
 * {@link ReadAhead}): the frame as captured or decoded, the frame the models, the quality gate and the measurements
 * see (hairs removed when the pipeline is so configured, otherwise the same frame), when it was prepared ahead the
 * segmenter's input, and the times of its screening so far. Closing it releases the frames it made; the original only
 * when it was decoded for it.
 */
public final class PreparedFrame implements AutoCloseable {
    private final Frame original;
    private final Frame screened;
    private final float[] segmenterInput;
    private final boolean ownsOriginal;
    private final StageTimings timings;

    PreparedFrame(Frame original, Frame screened, float[] segmenterInput, boolean ownsOriginal,
                  StageTimings timings) {
        this.original = original;
        this.screened = screened;
        this.segmenterInput = segmenterInput;
        this.ownsOriginal = ownsOriginal;
        this.timings = timings;
    }

    /** The same frames, their screening timed by {@code other} from now on (ownership passes to the result). */
    PreparedFrame timedBy(StageTimings other) {
        return new PreparedFrame(original, screened, segmenterInput, ownsOriginal, other);
    }

    /** The frame as captured or decoded: what a person looks at. */
    public Frame original() {
        return original;
    }

    /** The frame that is segmented, classified and measured. */
    public Frame screened() {
        return screened;
    }

    /** The segmenter's input made from {@link #screened}, or null to make it when segmenting. */
    float[] segmenterInput() {
        return segmenterInput;
    }

    /** This frame's stages so far; the screening adds its own. */
    StageTimings timings() {
        return timings;
    }

    @Override
    public void close() {
        if (screened != original) {
            screened.close();
        }
        if (ownsOriginal) {
            original.close();
        }
    }
}
