package org.melanoscreen.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreeningPipelineTest {

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) throws Exception {
        return ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, hairRemoval, true));
    }

    @Test
    void screensASyntheticLesion() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models, true);
             Frame frame = TestImages.lesion(320, 240, 9).toFrame("synthetic")) {
            ScreeningResult r = pipeline.screen(frame);
            assertTrue(r.timingsMs().keySet().containsAll(List.of("hair_removal", "preprocess", "segment",
                    "postprocess", "quality")), r.timingsMs().toString());
            assertFalse(r.mask().isEmpty(), "the tiny segmenter finds the generated lesion");
            assertTrue(r.quality().lesionPresent(), r.quality().lesion().toString());
            assertNotNull(r.measurements());
            assertTrue(r.melanomaProbability() >= 0 && r.melanomaProbability() <= 1);
            assertEquals(r.melanomaProbability() >= r.referralThreshold(), r.risk() == Risk.REFER);
            assertTrue(r.timingsMs().containsKey("classify"));
        }
    }

    @Test
    void noLesionMeansRetakeWithoutAProbability(@TempDir Path tmp) throws Exception {
        Path seg = TinyModels.copy(TinyModels.SEG, tmp);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(seg.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("postprocess")).put("threshold", 1.0);
        json.writeValue(seg.resolve("manifest.json").toFile(), manifest);
        try (ModelSet models = ModelSet.load(List.of(seg, TinyModels.CLS), TinyModels.SETTINGS,
                TinyModels.approving(seg));
             ScreeningPipeline pipeline = pipeline(models, false);
             Frame frame = TestImages.lesion(320, 240, 10).toFrame("synthetic")) {
            ScreeningResult r = pipeline.screen(frame);
            assertEquals(Risk.RETAKE, r.risk());
            assertNull(r.melanomaProbability());
            assertNull(r.measurements());
            assertTrue(r.reasons().contains("no lesion in view"), r.reasons().toString());
            assertTrue(!r.timingsMs().containsKey("classify"), "no classification without a lesion");
        }
    }

    @Test
    void qualityAndMeasurementsBesideTheClassifierEqualTheirSequentialValues() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models, false)) {
            int classified = 0;
            for (long seed = 20; seed < 26; seed++) {
                try (Frame frame = TestImages.lesion(256, 192, seed).toFrame("synthetic " + seed)) {
                    ScreeningResult r = pipeline.screen(frame);
                    if (r.mask().isEmpty()) {
                        continue;
                    }
                    classified++;
                    LesionMeasurements measured = new LesionMeasurer(0.02).measure(frame, r.mask());
                    try (Candidate gated = pipeline.gate(frame)) {
                        assertEquals(new QualityGate(QualitySettings.DEFAULT, LesionSettings.DEFAULT)
                                .assess(frame, gated.segmentation()), r.quality());
                        assertEquals(gated.quality(), r.quality());
                    }
                    assertEquals(ResultJson.measurements(measured), ResultJson.measurements(r.measurements()));
                    Map<String, Double> ms = r.timingsMs();
                    double onThisThread = ms.get("preprocess") + ms.get("segment") + ms.get("postprocess")
                            + ms.get("classify");
                    assertTrue(ms.get(StageTimings.TOTAL) >= onThisThread, ms.toString());
                    assertTrue(ms.containsKey("quality") && ms.containsKey("measure"), ms.toString());
                }
            }
            assertTrue(classified >= 3, "most synthetic lesions are found: " + classified);
        }
    }

    @Test
    void closingEndsTheSecondThread() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             Frame frame = TestImages.lesion(256, 192, 21).toFrame("synthetic")) {
            ScreeningPipeline pipeline = pipeline(models, false);
            pipeline.screen(frame);
            Thread beside = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("screening-second-thread")).findFirst().orElseThrow();
            pipeline.close();
            beside.join(5000);
            assertFalse(beside.isAlive());
        }
    }
}
