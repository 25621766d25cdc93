package org.melanoscreen.workflow;

import org.melanoscreen.analysis.ScreeningResult;

import java.util.List;

/**
 * What one capture produced.
 *
 * @param storedId           the results store's id: a result is published only once it is stored
 * @param framesTaken        frames grabbed in the burst
 * @param framesPassed       frames that passed the quality gate
 * @param frameProbabilities the melanoma probability of every frame classified and combined, sharpest first (null
 *                           for a frame given none)
 * @param triggerToResultMs  from the trigger to the result being published
 */
public record CaptureOutcome(ScreeningResult result, long storedId, String patientRef, String lesionRef,
                             int framesTaken, int framesPassed, List<Float> frameProbabilities,
                             double triggerToResultMs) {

    public int framesScreened() {
        return frameProbabilities.size();
    }
}
