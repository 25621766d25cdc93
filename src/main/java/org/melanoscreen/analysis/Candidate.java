package org.melanoscreen.analysis;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.Segmentation;

/**
 * A frame the pipeline has segmented and gated ({@link ScreeningPipeline#gate}) but not yet classified: what a burst
 * chooses its frames to classify by. Close it to release the frames it made (not the frame it was made from).
 */
public final class Candidate implements AutoCloseable {
    private final PreparedFrame prepared;
    private final Segmentation segmentation;
    private final QualityReport quality;

    Candidate(PreparedFrame prepared, Segmentation segmentation, QualityReport quality) {
        this.prepared = prepared;
        this.segmentation = segmentation;
        this.quality = quality;
    }

    PreparedFrame prepared() {
        return prepared;
    }

    /** The frame as captured: what a person looks at and what is stored. */
    public Frame original() {
        return prepared.original();
    }

    public Segmentation segmentation() {
        return segmentation;
    }

    public QualityReport quality() {
        return quality;
    }

    @Override
    public void close() {
        prepared.close();
    }
}
