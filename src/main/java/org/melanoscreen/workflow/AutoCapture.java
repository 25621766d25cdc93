package org.melanoscreen.workflow;

import org.melanoscreen.analysis.Candidate;
import org.melanoscreen.analysis.QualityReport;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.Segmentation;

/**
 * Watches preview frames for a lesion that passes the gate in several frames in a row without moving, and arms
 * again only after the lesion has gone, so one placement gives one capture.
 */
final class AutoCapture {
    static final int STEADY_FRAMES = 3;
    /** Largest move of the lesion's centre between frames, as a share of the frame, that still counts as still. */
    static final double MAX_DRIFT = 0.02;

    private int steady;
    private double lastX = Double.NaN;
    private double lastY = Double.NaN;
    private boolean armed = true;

    /** Gates one preview frame and follows the lesion's centre. */
    void observe(ScreeningPipeline pipeline, Frame frame) throws ModelException {
        Segmentation seg;
        QualityReport q;
        try (Candidate candidate = pipeline.gate(frame)) {
            seg = candidate.segmentation();
            q = candidate.quality();
        }
        if (!q.passed()) {
            steady = 0;
            armed = true;
            lastX = Double.NaN;
            return;
        }
        int[] box = seg.mask().bbox();
        double x = (box[0] + box[2]) / 2.0 / seg.mask().width();
        double y = (box[1] + box[3]) / 2.0 / seg.mask().height();
        boolean still = !Double.isNaN(lastX) && Math.hypot(x - lastX, y - lastY) < MAX_DRIFT;
        steady = still ? steady + 1 : 1;
        lastX = x;
        lastY = y;
    }

    /** True once per placement: when the lesion has held still for {@link #STEADY_FRAMES} frames. */
    boolean fires() {
        if (armed && steady >= STEADY_FRAMES) {
            armed = false;
            steady = 0;
            return true;
        }
        return false;
    }
}
