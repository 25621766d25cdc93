package org.melanoscreen.workflow;

import java.time.Duration;

/**
 * How the appliance captures.
 *
 * @param burstFrames     frames grabbed per capture
 * @param screenBest      at most this many of the frames that pass the gate are classified and combined
 * @param resultHold      how long RESULT is shown before READY
 * @param faultRetry      how often a FAULT's cause is checked again
 * @param healthInterval  how often READY checks the camera and the free space
 * @param autoCapture     capture by itself when a sharp, centred lesion holds still
 */
public record ApplianceSettings(int burstFrames, int screenBest, Duration resultHold, Duration faultRetry,
                                Duration healthInterval, boolean autoCapture) {

    public ApplianceSettings {
        if (burstFrames < 1 || screenBest < 1 || screenBest > burstFrames) {
            throw new IllegalArgumentException("need 1 <= screen-best <= burst-frames, got " + screenBest + " and "
                    + burstFrames);
        }
    }
}
