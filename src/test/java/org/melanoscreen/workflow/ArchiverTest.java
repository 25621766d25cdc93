package org.melanoscreen.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.analysis.ScreeningSettings;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.json.Json;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ScreeningRecord;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The record a capture becomes: the pinned schema of its result.json, its models and its images. */
class ArchiverTest {
    /**
     * Every field of a stored result.json with its JSON type, in order: readers (the export, results show, hospital
     * systems) depend on these names and types, so a change must be made here on purpose.
     */
    private static final List<String> RESULT_SCHEMA = List.of(
            "source: string", "status: string", "risk: string", "reasons: array",
            "melanoma_probability: number", "referral_threshold: number", "class_probabilities: object",
            "class_probabilities.melanoma: number", "width: number", "height: number", "region: array",
            "region[]: number", "measurements: object", "measurements.area_px: number",
            "measurements.area_mm2: number", "measurements.diameter_px: number", "measurements.diameter_mm: number",
            "measurements.asymmetry_per_axis: array", "measurements.asymmetry_per_axis[]: number",
            "measurements.compactness: number", "measurements.colours: array", "measurements.colours[]: string",
            "measurements.abcd_approximate: object", "measurements.abcd_approximate.asymmetry: number",
            "measurements.abcd_approximate.border: number", "measurements.abcd_approximate.colours: number",
            "measurements.abcd_approximate.differential_structures_assumed: number",
            "measurements.abcd_approximate.tds: number", "measurements.abcd_approximate.note: string",
            "ood_score: number", "quality: object", "quality.passed: boolean", "quality.reasons: array",
            "quality.sharpness: number", "quality.clipped_high: number", "quality.clipped_low: number",
            "quality.mean_luma: number", "quality.colour_cast: number", "quality.centre_offset: number",
            "quality.lesion_area_fraction: number", "quality.lesion: object", "quality.lesion.present: boolean",
            "quality.lesion.segmenter_confidence: number", "quality.lesion.contrast_delta_e: number",
            "quality.lesion.texture: number", "quality.lesion.second_lesion_share: number",
            "quality.lesion.border_distance_px: number", "quality.lesion.flat_share: number", "timings_ms: object", "timings_ms.preprocess: number",
            "timings_ms.segment: number", "timings_ms.postprocess: number", "timings_ms.classify: number",
            "timings_ms.quality: number", "timings_ms.measure: number", "timings_ms.total: number",
            "burst: object", "burst.frames_taken: number", "burst.frames_passed: number",
            "burst.screened_probabilities: array", "burst.screened_probabilities[]: number");

    private static void schema(String path, JsonNode node, List<String> out) {
        if (!path.isEmpty()) {
            out.add(path + ": " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                schema(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            schema(path + "[]", node.get(0), out);
        }
    }

    private static Mat decode(byte[] png) {
        return Imgcodecs.imdecode(new MatOfByte(png), Imgcodecs.IMREAD_UNCHANGED);
    }

    @Test
    void aCaptureBecomesARecordWithThePinnedResultSchemaItsModelsAndItsImages() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = new ScreeningSettings(ScreeningSettings.DEFAULT.quality(),
                     ScreeningSettings.DEFAULT.lesion(), 0.02, false, true).pipeline(models);
             Frame frame = TestImages.lesion(320, 240, 3).toFrame("lesion")) {
            ScreeningResult result = pipeline.screen(frame);
            BurstOutcome burst = new BurstOutcome(result, 0, 5, 4, Arrays.asList(result.melanomaProbability(), 0.25f));
            Instant time = Instant.parse("2026-12-02T03:00:00Z");
            ScreeningRecord record = new Archiver("dev-9", "1.2.3").record(time, "patient-1", null, burst, frame,
                    models);

            JsonNode json = Json.MAPPER.readTree(record.resultJson());
            List<String> fields = new ArrayList<>();
            schema("", json, fields);
            assertEquals(RESULT_SCHEMA, fields);
            assertEquals(List.of(Json.round(result.melanomaProbability(), 6), 0.25),
                    List.of(json.get("burst").get("screened_probabilities").get(0).asDouble(),
                            json.get("burst").get("screened_probabilities").get(1).asDouble()),
                    "every screened frame's probability, rounded to 6 digits");

            assertEquals(time, record.time());
            assertEquals("dev-9", record.deviceId());
            assertEquals("1.2.3", record.softwareVersion());
            assertEquals(result.risk().name(), record.risk());
            Manifest seg = models.model(Manifest.Task.SEGMENTATION).manifest();
            Manifest cls = models.model(Manifest.Task.CLASSIFICATION).manifest();
            assertEquals(Map.of(seg.id(), seg.sha256(), cls.id(), cls.sha256()), record.models());
            assertEquals(List.of("frame.png", "mask.png", "overlay.png"), List.copyOf(record.files().keySet()));
            Mat shown = decode(record.files().get("frame.png"));
            assertEquals(List.of(320, 240, 3), List.of(shown.cols(), shown.rows(), shown.channels()));
            Mat mask = decode(record.files().get("mask.png"));
            assertEquals(List.of(result.mask().width(), result.mask().height(), 1),
                    List.of(mask.cols(), mask.rows(), mask.channels()));
            Mat overlay = decode(record.files().get("overlay.png"));
            assertArrayEquals(new int[]{320, 240}, new int[]{overlay.cols(), overlay.rows()});
        }
    }
}
