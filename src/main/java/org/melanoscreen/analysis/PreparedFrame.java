package org.melanoscreen.analysis;

import org.melanoscreen.imaging.Frame;

/**
 * A frame made ready for the models by {@link ScreeningPipeline#prepare}: the frame as captured or decoded, the
 * frame the models, the quality gate and the measurements see (hairs removed when the pipeline is so configured,
 * otherwise the same frame) and, when it was prepared ahead, the segmenter's input. Closing it releases the frames
 * it made; the original only when it was decoded for it.
 */
public final class PreparedFrame implements AutoCloseable {
    private final Frame original;
    private final Frame screened;
    private final float[] segmenterInput;
    private final boolean ownsOriginal;

    PreparedFrame(Frame original, Frame screened, float[] segmenterInput, boolean ownsOriginal) {
        this.original = original;
        this.screened = screened;
        this.segmenterInput = segmenterInput;
        this.ownsOriginal = ownsOriginal;
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
