package org.melanoscreen.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.Classifier;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.Predictor;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreeningPipelineTest {

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) throws Exception {
        return pipeline(models, hairRemoval, true);
    }

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval, boolean tta) throws Exception {
        return ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, hairRemoval, tta));
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
            // the tiny classifier's mean over its five views for this lesion is 0.44993, just above its threshold
            assertEquals(Risk.REFER, r.risk(), r.toString());
            assertEquals(List.of(), r.reasons());
            assertEquals(Manifest.read(TinyModels.CLS).referral().threshold(), r.referralThreshold());
            assertTrue(r.melanomaProbability() >= r.referralThreshold(), r.melanomaProbability() + " vs "
                    + r.referralThreshold());
            assertEquals(0.44993, r.melanomaProbability(), 1e-5);
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
                    .filter(t -> t.getName().equals(SecondThread.NAME)).findFirst().orElseThrow();
            pipeline.close();
            beside.join(5000);
            assertFalse(beside.isAlive());
        }
    }

    @Test
    void aGatedCandidateClassifiesAsTheFrameScreensOrIsTurnedAway() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline pipeline = pipeline(models, false);
             Frame frame = TestImages.lesion(320, 240, 9).toFrame("synthetic")) {
            ScreeningResult screened = pipeline.screen(frame);
            try (Candidate candidate = pipeline.gate(frame)) {
                assertSame(frame, candidate.original());
                assertEquals(screened.quality(), candidate.quality());
                assertArrayEquals(screened.mask().pixels(), candidate.segmentation().mask().pixels());
                ScreeningResult classified = pipeline.classify(candidate);
                assertEquals(screened.risk(), classified.risk());
                assertEquals(screened.melanomaProbability(), classified.melanomaProbability());
                assertArrayEquals(screened.region(), classified.region());
                ScreeningResult turnedAway = pipeline.retake(candidate);
                assertEquals(Risk.RETAKE, turnedAway.risk());
                assertNull(turnedAway.melanomaProbability());
                assertNull(turnedAway.region());
            }
        }
    }

    @Test
    void evaluationScoresEveryFrameEvenWhereTheDeviceGivesNoProbability(@TempDir Path tmp) throws Exception {
        Path seg = TinyModels.editedCopy(TinyModels.SEG, tmp,
                m -> ((ObjectNode) m.get("postprocess")).put("threshold", 1.0));
        try (ModelSet models = ModelSet.load(List.of(seg, TinyModels.CLS), TinyModels.SETTINGS,
                TinyModels.approving(seg));
             ScreeningPipeline pipeline = pipeline(models, false);
             Frame frame = TestImages.lesion(320, 240, 10).toFrame("synthetic");
             PreparedFrame prepared = pipeline.prepare(frame)) {
            ScreeningPipeline.Evaluation evaluated = pipeline.evaluate(prepared);
            assertEquals(Risk.RETAKE, evaluated.device().risk());
            assertNull(evaluated.device().melanomaProbability());
            assertTrue(evaluated.mask().isEmpty());
            Predictor<Classifier.Input, Classifier.Output> classifier =
                    Classifier.predictor(models.model(Manifest.Task.CLASSIFICATION), true);
            float wholeFrame = classifier.predict(new Classifier.Input(frame, new int[]{0, 0, 320, 240},
                    evaluated.mask())).output().melanomaProbability();
            assertEquals(wholeFrame, evaluated.probability(), "the classifier on the whole frame, as the recipe scores");
        }
    }

    @Test
    void withTtaOffTheClassifierRunsOneViewAndThePolicyTheSingleViewThreshold() throws Exception {
        Manifest manifest = Manifest.read(TinyModels.CLS);
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline views = pipeline(models, false, true);
             ScreeningPipeline single = pipeline(models, false, false);
             Frame frame = TestImages.lesion(320, 240, 9).toFrame("synthetic")) {
            assertEquals(5, views.classifierViews());
            assertEquals(1, single.classifierViews());
            assertEquals(manifest.referral().threshold(), views.policy().referralThreshold());
            assertEquals(manifest.referral().singleViewThreshold(), single.policy().referralThreshold());
            ScreeningResult mean = views.screen(frame);
            ScreeningResult identity = single.screen(frame);
            assertEquals(manifest.referral().singleViewThreshold(), identity.referralThreshold());
            assertNotEquals(mean.melanomaProbability(), identity.melanomaProbability());
            float[] perView;
            try (Candidate candidate = views.gate(frame)) {
                Predictor<Classifier.Input, Classifier.Output> classifier =
                        Classifier.predictor(models.model(Manifest.Task.CLASSIFICATION), true);
                Classifier steps = (Classifier) classifier.translator();
                BinaryMask mask = candidate.segmentation().mask();
                perView = classifier.predict(new Classifier.Input(frame, steps.region(frame, mask), mask)).output()
                        .viewMelanomaProbabilities();
            }
            assertEquals(perView[0], identity.melanomaProbability(), "tta off: the identity view alone");
        }
    }
}
