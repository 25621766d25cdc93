package org.melanoscreen.workflow;

import org.melanoscreen.analysis.ScreeningResult;

/**
 * What one capture produced.
 *
 * @param storedId      the results store's id: a result is published only once it is stored
 * @param framesTaken   frames grabbed in the burst
 * @param framesPassed  frames that passed the quality gate
 * @param framesScreened frames classified and combined
 * @param triggerToResultMs from the trigger to the result being published
 */
public record CaptureOutcome(ScreeningResult result, long storedId, String patientRef, String lesionRef,
                             int framesTaken, int framesPassed, int framesScreened, double triggerToResultMs) {
}
