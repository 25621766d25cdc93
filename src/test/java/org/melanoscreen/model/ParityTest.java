package org.melanoscreen.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java runtime prepares inputs and reads outputs exactly as the recipe did ({@link ParityCheck}, which the
 * device runs at self-test) for the tiny test models and every shipped model under models/; and the check catches
 * a pre-processing that differs from the recipe's.
 */
class ParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static List<Path> modelFolders() throws IOException {
        List<Path> folders = new ArrayList<>(List.of(TinyModels.SEG, TinyModels.CLS, TinyModels.CLS_MASKED));
        try (Stream<Path> shipped = Files.list(Path.of("models"))) {
            shipped.filter(p -> Files.exists(p.resolve("manifest.json"))).sorted().forEach(folders::add);
        }
        return folders;
    }

    @TestFactory
    Stream<DynamicTest> fixturesMatchTheRecipe() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path folder : modelFolders()) {
            tests.add(DynamicTest.dynamicTest(folder.toString(), () -> {
                JsonNode expected = JSON.readTree(folder.resolve("fixtures/expected.json").toFile());
                assertEquals(expected.get("images").size(), verify(folder, ApprovedModels.builtIn()));
            }));
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    private static int verify(Path folder, ApprovedModels approved) throws ModelException {
        try (OnnxModel model = OnnxModel.load(folder, TinyModels.SETTINGS, approved)) {
            return model.manifest().task() == Manifest.Task.SEGMENTATION
                    ? ParityCheck.verifySegmenter(Segmenter.predictor(model))
                    : ParityCheck.verifyClassifier(Classifier.predictor(model, true), Classifier.predictor(model, false));
        }
    }

    private String mismatch(Path folder, Consumer<ObjectNode> edit) throws ModelException {
        Path edited = TinyModels.editedCopy(folder, tmp, edit);
        return assertThrows(ModelException.class, () -> verify(edited, TinyModels.approving(edited))).getMessage();
    }

    private static ObjectNode input(ObjectNode manifest) {
        return (ObjectNode) manifest.get("input");
    }

    @Test
    void aDifferentPreprocessingFailsNamingTheFixtureAndTheValue() throws Exception {
        String mean = mismatch(TinyModels.CLS, m -> ((ArrayNode) input(m).get("mean")).set(0, 0.45));
        assertTrue(mean.startsWith(tmp.resolve("cls/fixtures/expected.json") + ", fixture_0.png: input sum"), mean);
        assertTrue(mean.contains("does not prepare or run the model as the recipe did"), mean);
        String std = mismatch(TinyModels.SEG, m -> ((ArrayNode) input(m).get("std")).set(2, 0.3));
        assertTrue(std.contains("fixture_0.png: input sum of squares"), std);
        String scale = mismatch(TinyModels.SEG, m -> input(m).put("scale", 1 / 256.0));
        assertTrue(scale.contains("fixture_0.png: input sum"), scale);
        String margin = mismatch(TinyModels.CLS_MASKED, m -> ((ObjectNode) input(m).get("region")).put("margin", 0.3));
        assertTrue(margin.contains("fixture_0.png: classifier region is ["), margin);
    }

    @Test
    void testTimeViewsInAnotherOrderFailOnTheViewsProbabilitiesThoughTheirMeanIsTheSame() throws Exception {
        String swapped = mismatch(TinyModels.CLS, m -> {
            ArrayNode views = (ArrayNode) input(m).get("tta").get("views");
            views.set(1, "vflip");
            views.set(2, "hflip");
        });
        assertTrue(swapped.contains("fixture_0.png: melanoma probability of view vflip is "), swapped);
        String fewer = mismatch(TinyModels.CLS, m -> ((ArrayNode) input(m).get("tta").get("views")).remove(4));
        assertTrue(fewer.contains("fixture_0.png: probability of class 0 is "), fewer);
    }

    @Test
    void aFixtureValueTheModelDoesNotReproduceFails() throws Exception {
        Path copy = TinyModels.copy(TinyModels.CLS, tmp);
        Path expected = copy.resolve("fixtures/expected.json");
        ObjectNode json = (ObjectNode) JSON.readTree(expected.toFile());
        ObjectNode second = (ObjectNode) json.get("images").get(1);
        second.put("melanoma_probability", second.get("melanoma_probability").asDouble() + 3e-4);
        JSON.writeValue(expected.toFile(), json);
        String message = assertThrows(ModelException.class, () -> verify(copy, TinyModels.approving(copy)))
                .getMessage();
        assertTrue(message.contains("fixture_1.png: melanoma probability is "), message);
        assertTrue(message.contains("allowed difference 0.0001"), message);
    }

    @Test
    void fixturesMustExistAndKeepATightTolerance() throws Exception {
        Path loose = TinyModels.copy(TinyModels.SEG, tmp.resolve("loose"));
        Path expected = loose.resolve("fixtures/expected.json");
        ObjectNode json = (ObjectNode) JSON.readTree(expected.toFile());
        json.put("tolerance", 0.01);
        JSON.writeValue(expected.toFile(), json);
        String message = assertThrows(ModelException.class, () -> verify(loose, TinyModels.approving(loose)))
                .getMessage();
        assertEquals(expected + ": tolerance 0.01 is not in (0, 1.0E-4]", message);

        Path none = TinyModels.copy(TinyModels.SEG, tmp.resolve("none"));
        Files.delete(none.resolve("fixtures/expected.json"));
        message = assertThrows(ModelException.class, () -> verify(none, TinyModels.approving(none))).getMessage();
        assertTrue(message.startsWith(none.resolve("fixtures/expected.json") + ": parity fixtures missing"), message);
    }

    @Test
    void aModelSetIsCheckedWhole() throws Exception {
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS)) {
            assertEquals("4 segmenter and 4 classifier parity fixtures match the recipe", ParityCheck.verify(models));
        }
    }
}
