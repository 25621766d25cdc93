package org.melanoscreen.workflow;

import org.melanoscreen.analysis.OverlayRenderer;
import org.melanoscreen.analysis.ResultJson;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.store.ScreeningRecord;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a capture's outcome into the record the store keeps: the result's JSON with its burst, the id and digest
 * of every model that screened it, and the frame shown, its mask and the overlay as PNG.
 */
final class Archiver {
    private final String deviceId;
    private final String softwareVersion;

    Archiver(String deviceId, String softwareVersion) {
        this.deviceId = deviceId;
        this.softwareVersion = softwareVersion;
    }

    ScreeningRecord record(Instant time, String patientRef, String lesionRef, BurstOutcome burst, Frame shown,
                           ModelSet models) {
        Map<String, String> modelDigests = models.hashes();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("frame.png", FramePng.encode(shown));
        files.put("mask.png", FramePng.encode(burst.result().mask()));
        files.put("overlay.png", OverlayRenderer.png(shown, burst.result()));
        Float p = burst.result().melanomaProbability();
        String json = ResultJson.withBurst(ResultJson.result(burst.result()), burst.framesTaken(),
                burst.framesPassed(), burst.frameProbabilities()).toString();
        return new ScreeningRecord(time, deviceId, patientRef, lesionRef, burst.result().risk().name(),
                p == null ? null : p.doubleValue(), json, modelDigests, softwareVersion, files);
    }
}
