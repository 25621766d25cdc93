package org.melanoscreen.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.MaskFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test-time augmentation as models/CONTRACT.md says: the views of the normalised input, one batch of them, the mean
 * of the views' probabilities, the identity alone (and its threshold) when it is turned off, and manifests asking for
 * views the runtime cannot run refused.
 */
class TestTimeAugmentationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A hand-made 3 x 3 plane 0..8 under each view, as the contract's index formulas and torch.rot90 give it. */
    @Test
    void eachViewTakesThePixelsTheContractSays() {
        Map<TtaView, int[]> square = Map.of(
                TtaView.IDENTITY, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8},
                TtaView.HFLIP, new int[]{2, 1, 0, 5, 4, 3, 8, 7, 6},
                TtaView.VFLIP, new int[]{6, 7, 8, 3, 4, 5, 0, 1, 2},
                TtaView.ROT180, new int[]{8, 7, 6, 5, 4, 3, 2, 1, 0},
                TtaView.ROT90, new int[]{2, 5, 8, 1, 4, 7, 0, 3, 6},
                TtaView.ROT270, new int[]{6, 3, 0, 7, 4, 1, 8, 5, 2},
                TtaView.TRANSPOSE, new int[]{0, 3, 6, 1, 4, 7, 2, 5, 8},
                TtaView.TRANSVERSE, new int[]{8, 5, 2, 7, 4, 1, 6, 3, 0});
        assertEquals(TtaView.values().length, square.size());
        square.forEach((view, expected) -> assertArrayEquals(expected, view.sourceIndices(3, 3), view.name()));
        assertArrayEquals(new int[]{2, 1, 0, 5, 4, 3}, TtaView.HFLIP.sourceIndices(2, 3));
        assertArrayEquals(new int[]{3, 4, 5, 0, 1, 2}, TtaView.VFLIP.sourceIndices(2, 3));
        assertArrayEquals(new int[]{5, 4, 3, 2, 1, 0}, TtaView.ROT180.sourceIndices(2, 3));
        assertThrows(IllegalArgumentException.class, () -> TtaView.ROT90.sourceIndices(2, 3));
    }

    /** The contract's pixel of view {@code view} at (y, x), from the identity item's plane {@code c}. */
    private static float contractPixel(float[] batch, int c, int h, int w, TtaView view, int y, int x) {
        int plane = c * h * w;
        return switch (view) {
            case IDENTITY -> batch[plane + y * w + x];
            case HFLIP -> batch[plane + y * w + w - 1 - x];
            case VFLIP -> batch[plane + (h - 1 - y) * w + x];
            case ROT180 -> batch[plane + (h - 1 - y) * w + w - 1 - x];
            case ROT90 -> batch[plane + x * w + w - 1 - y];
            case ROT270 -> batch[plane + (h - 1 - x) * w + y];
            case TRANSPOSE -> batch[plane + x * w + y];
            case TRANSVERSE -> batch[plane + (h - 1 - x) * w + w - 1 - y];
        };
    }

    /** The first fixture of the tiny classifier as the classifier's input. */
    private static Classifier.Input fixtureInput(Frame frame, Classifier classifier) throws Exception {
        BinaryMask mask = MaskFiles.read(TinyModels.CLS.resolve("fixtures/fixture_0_mask.png"), 96, 64);
        return new Classifier.Input(frame, classifier.region(frame, mask), mask);
    }

    @Test
    void theBatchHoldsEveryViewOfTheNormalisedInputInManifestOrder() throws Exception {
        try (OnnxModel model = OnnxModel.load(TinyModels.CLS, TinyModels.SETTINGS);
             Frame frame = new ImageDecoder().decode(TinyModels.CLS.resolve("fixtures/fixture_0.png"))) {
            Predictor<Classifier.Input, Classifier.Output> views = Classifier.predictor(model, true);
            Classifier classifier = (Classifier) views.translator();
            List<TtaView> expected = List.of(TtaView.IDENTITY, TtaView.HFLIP, TtaView.VFLIP, TtaView.ROT180,
                    TtaView.ROT90);
            assertEquals(expected, classifier.views());
            float[] batch = views.prepare(fixtureInput(frame, classifier));
            int h = 32;
            int w = 32;
            assertEquals(expected.size() * 3 * h * w, batch.length);
            float[] single = Classifier.predictor(model, false).prepare(fixtureInput(frame, classifier));
            assertArrayEquals(single, java.util.Arrays.copyOf(batch, 3 * h * w), "the first item is the identity");
            for (int k = 0; k < expected.size(); k++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            assertEquals(contractPixel(batch, c, h, w, expected.get(k), y, x),
                                    batch[((k * 3 + c) * h + y) * w + x], expected.get(k) + " c" + c + " y" + y + " x" + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theProbabilityIsTheMeanOfTheViewsAndTheIdentityAloneWithTtaOff() throws Exception {
        JsonNode fixture = JSON.readTree(TinyModels.CLS.resolve("fixtures/expected.json").toFile()).get("images").get(0);
        try (OnnxModel model = OnnxModel.load(TinyModels.CLS, TinyModels.SETTINGS);
             Frame frame = new ImageDecoder().decode(TinyModels.CLS.resolve("fixtures/fixture_0.png"))) {
            Predictor<Classifier.Input, Classifier.Output> views = Classifier.predictor(model, true);
            Predictor<Classifier.Input, Classifier.Output> single = Classifier.predictor(model, false);
            Classifier.Input input = fixtureInput(frame, (Classifier) views.translator());
            Classifier.Output mean = views.predict(input).output();
            Classifier.Output identity = single.predict(input).output();
            assertEquals(5, mean.viewMelanomaProbabilities().length);
            assertEquals(1, identity.viewMelanomaProbabilities().length);
            double sum = 0;
            for (int k = 0; k < 5; k++) {
                assertEquals(fixture.get("view_melanoma_probabilities").get(k).asDouble(),
                        mean.viewMelanomaProbabilities()[k], 1e-4, "view " + k + " as the recipe computed it");
                sum += mean.viewMelanomaProbabilities()[k];
            }
            assertEquals(sum / 5, mean.melanomaProbability(), 1e-6);
            assertEquals(fixture.get("melanoma_probability").asDouble(), mean.melanomaProbability(), 1e-4);
            assertEquals(mean.viewMelanomaProbabilities()[0], identity.melanomaProbability());
            assertNotEquals(identity.melanomaProbability(), mean.melanomaProbability(), "the views change the mean");
            assertTrue(Math.abs(identity.melanomaProbability() - mean.melanomaProbability()) > 1e-3);
            assertEquals(identity.oodScore(), mean.oodScore(), 1e-9 * identity.oodScore(),
                    "the out-of-distribution score is the identity view's");
        }
    }

    @Test
    void withTtaOffTheSingleViewThresholdApplies() throws Exception {
        Manifest manifest = Manifest.read(TinyModels.CLS);
        assertTrue(manifest.input().hasTta());
        Classifier views = new Classifier(manifest, true);
        Classifier single = new Classifier(manifest, false);
        assertEquals(manifest.referral().threshold(), views.referralThreshold());
        assertEquals(manifest.referral().singleViewThreshold(), single.referralThreshold());
        assertNotEquals(views.referralThreshold(), single.referralThreshold());
        assertEquals("thresholds.referral_single_view", single.referralThresholdKey());
        Manifest without = Manifest.read(TinyModels.CLS_MASKED);
        assertEquals(List.of(TtaView.IDENTITY), without.input().views());
        assertEquals(without.referral().threshold(), new Classifier(without, false).referralThreshold(),
                "without views in the manifest the one threshold applies either way");
        assertEquals(1, new Classifier(without, true).batch());
    }

    private String refused(Consumer<ObjectNode> edit) {
        Path copy = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve(String.valueOf(System.nanoTime())), edit);
        String message = assertThrows(ModelException.class, () -> Manifest.read(copy)).getMessage();
        assertTrue(message.startsWith(copy.resolve("manifest.json") + ": "), message);
        return message;
    }

    private static ObjectNode tta(ObjectNode manifest) {
        return (ObjectNode) manifest.get("input").get("tta");
    }

    @Test
    void aManifestWithViewsTheRuntimeCannotRunIsRefusedNamingItAndTheReason() {
        assertTrue(refused(m -> ((ArrayNode) tta(m).get("views")).add("mirror"))
                .endsWith("input.tta.views: unknown view \"mirror\" (known: [identity, hflip, vflip, rot180, rot90, "
                        + "rot270, transpose, transverse])"));
        assertTrue(refused(m -> ((ArrayNode) tta(m).get("views")).remove(0))
                .endsWith("input.tta.views must start with identity"));
        assertTrue(refused(m -> ((ObjectNode) m.get("input")).put("height", 31))
                .endsWith("input.tta.views: rot90 needs a square input, not 32x31"));
        assertTrue(refused(m -> tta(m).put("combine", "max")).endsWith("input.tta.combine must be mean_probability"));
        assertTrue(refused(m -> ((ObjectNode) m.get("thresholds")).remove("referral_single_view"))
                .contains("input.tta needs thresholds.referral_single_view"));
    }
}
