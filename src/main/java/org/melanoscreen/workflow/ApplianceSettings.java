package org.melanoscreen.workflow;

import org.melanoscreen.settings.Range;

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

    public static final Range BURST_FRAMES = Range.closed(1, 100);
    /** Seconds a result is shown: 0 goes back to READY at once. */
    public static final Range RESULT_HOLD_S = Range.closed(0, 3600);
    /** Seconds between checks (of a FAULT's cause, of camera and storage while READY). */
    public static final Range CHECK_INTERVAL_S = Range.closed(0.1, 3600);

    public ApplianceSettings {
        BURST_FRAMES.check("frames per burst", burstFrames);
        RESULT_HOLD_S.check("result hold (s)", resultHold.toMillis() / 1000.0);
        CHECK_INTERVAL_S.check("fault retry interval (s)", faultRetry.toMillis() / 1000.0);
        CHECK_INTERVAL_S.check("health check interval (s)", healthInterval.toMillis() / 1000.0);
        if (screenBest < 1 || screenBest > burstFrames) {
            throw new IllegalArgumentException("need 1 <= screen-best <= burst-frames, got " + screenBest + " and "
                    + burstFrames);
        }
    }
}
