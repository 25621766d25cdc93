package org.melanoscreen.workflow;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;
import org.melanoscreen.settings.Values;

import java.time.Duration;
import java.util.List;

/**
 * How the appliance captures, configured by the {@code capture.*} keys ({@link #KEYS}).
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

    public static final List<Key> KEYS = List.of(
            Key.integer("capture.burst_frames", 5, BURST_FRAMES, "Frames grabbed per capture."),
            Key.integer("capture.screen_best", 3, BURST_FRAMES, "Sharpest passing frames classified and combined."),
            Key.bool("capture.auto", false, "Capture when a sharp, centred lesion holds still."),
            Key.number("capture.result_hold_s", 15, RESULT_HOLD_S, "Seconds a result is shown before READY."),
            Key.number("capture.fault_retry_s", 5, CHECK_INTERVAL_S, "Seconds between checks of a FAULT's cause."),
            Key.number("capture.health_interval_s", 5, CHECK_INTERVAL_S,
                    "Seconds between camera/storage checks in READY."));

    /** The settings the {@code capture.*} keys give; a relation between them that does not hold names both keys. */
    public static ApplianceSettings from(Values v) {
        if (v.integer("capture.screen_best") > v.integer("capture.burst_frames")) {
            throw new IllegalArgumentException("capture.screen_best must be between 1 and capture.burst_frames");
        }
        return new ApplianceSettings(v.integer("capture.burst_frames"), v.integer("capture.screen_best"),
                seconds(v.number("capture.result_hold_s")), seconds(v.number("capture.fault_retry_s")),
                seconds(v.number("capture.health_interval_s")), v.bool("capture.auto"));
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

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
