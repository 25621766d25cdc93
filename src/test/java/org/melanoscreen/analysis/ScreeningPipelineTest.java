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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreeningPipelineTest {

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) {
        RiskPolicy policy = new RiskPolicy(models.classifier().manifest().referral().threshold(), 0.01, 0.85);
        return new ScreeningPipeline(new ImageDecoder(), models, new LesionMeasurer(0.02), policy,
                QualitySettings.DEFAULT, hairRemoval);
    }

    @Test
    void screensASyntheticLesion() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             Frame frame = TestImages.lesion(320, 240, 9).toFrame("synthetic")) {
            ScreeningResult r = pipeline(models, true).screen(frame);
            assertTrue(r.timingsMs().keySet().containsAll(List.of("hair_removal", "preprocess", "segment",
                    "postprocess", "quality")), r.timingsMs().toString());
            if (r.mask().isEmpty()) {
                assertEquals(Risk.RETAKE, r.risk());
                assertNull(r.melanomaProbability());
            } else {
                assertNotNull(r.measurements());
                assertTrue(r.melanomaProbability() >= 0 && r.melanomaProbability() <= 1);
                assertEquals(r.melanomaProbability() >= r.referralThreshold(), r.risk() == Risk.REFER);
                assertTrue(r.timingsMs().containsKey("classify"));
            }
        }
    }

    @Test
    void noLesionMeansRetakeWithoutAProbability(@TempDir Path tmp) throws Exception {
        Path seg = TinyModels.copy(TinyModels.SEG, tmp);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(seg.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("postprocess")).put("threshold", 1.0);
        json.writeValue(seg.resolve("manifest.json").toFile(), manifest);
        try (ModelSet models = ModelSet.load(List.of(seg, TinyModels.CLS), TinyModels.SETTINGS);
             Frame frame = TestImages.lesion(320, 240, 10).toFrame("synthetic")) {
            ScreeningResult r = pipeline(models, false).screen(frame);
            assertEquals(Risk.RETAKE, r.risk());
            assertNull(r.melanomaProbability());
            assertNull(r.measurements());
            assertTrue(r.reasons().contains("no lesion found"), r.reasons().toString());
            assertTrue(!r.timingsMs().containsKey("classify"), "no classification without a lesion");
        }
    }
}
