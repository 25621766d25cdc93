package org.melanoscreen.workflow;

import org.melanoscreen.analysis.ScreeningResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a capture's burst gave.
 *
 * @param shownFrame         index in the burst of the frame the result is shown and stored with
 * @param framesTaken        frames grabbed
 * @param framesPassed       frames that passed the quality gate
 * @param frameProbabilities the melanoma probability of every frame screened, sharpest first (null for a frame
 *                           given none); empty when none passed
 */
record BurstOutcome(ScreeningResult result, int shownFrame, int framesTaken, int framesPassed,
                    List<Float> frameProbabilities) {
    BurstOutcome {
        frameProbabilities = Collections.unmodifiableList(new ArrayList<>(frameProbabilities));
    }
}
