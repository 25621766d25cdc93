package org.melanoscreen.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelVerificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String loadFails(Path folder) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(folder, TinyModels.SETTINGS));
        return e.getMessage();
    }

    /** Why an edited folder, approved for the test, fails the checks behind the approval. */
    private String approvedLoadFails(Path folder) throws ModelException {
        ApprovedModels approved = TinyModels.approving(folder);
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxModel.load(folder, TinyModels.SETTINGS, approved));
        return e.getMessage();
    }

    private Path editedManifest(Consumer<ObjectNode> edit) {
        return TinyModels.editedCopy(TinyModels.SEG, tmp, edit);
    }

    @Test
    void loadsAndWarmsUpAVerifiedModel() throws Exception {
        try (OnnxModel model = OnnxModel.load(TinyModels.SEG, TinyModels.SETTINGS)) {
            assertEquals(Manifest.Task.SEGMENTATION, model.manifest().task());
            assertEquals(model.manifest().input().width() * model.manifest().input().height(),
                    model.run(1, planes -> { }, List.of(model.manifest().output().name()))[0].length);
        }
    }

    @Test
    void missingModelFile() throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        Files.delete(folder.resolve("model.onnx"));
        assertEquals(folder.resolve("model.onnx") + ": model file missing", loadFails(folder));
    }

    @Test
    void truncatedModelFailsTheHash() throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        byte[] bytes = Files.readAllBytes(folder.resolve("model.onnx"));
        Files.write(folder.resolve("model.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        String message = loadFails(folder);
        assertTrue(message.startsWith(folder.resolve("model.onnx") + ": sha256 "), message);
        assertTrue(message.contains("does not match the manifest"), message);
    }

    @Test
    void emptyModelFile() throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        Files.write(folder.resolve("model.onnx"), new byte[0]);
        assertTrue(loadFails(folder).endsWith("model file is empty"));
    }

    @Test
    void corruptModelWithMatchingHashIsRefusedByOnnxRuntime() throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        Files.write(folder.resolve("model.onnx"), garbage);
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        manifest.put("sha256", OnnxModel.sha256(garbage));
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        String message = approvedLoadFails(folder);
        assertTrue(message.contains("ONNX Runtime cannot load it"), message);
    }

    @Test
    void wrongInputName() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("input")).put("name", "pixels"));
        assertTrue(approvedLoadFails(folder).contains("no input named 'pixels'"));
    }

    @Test
    void wrongInputShape() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("input")).put("height", 77));
        String message = approvedLoadFails(folder);
        assertTrue(message.contains("has shape") && message.contains("77"), message);
    }

    @Test
    void wrongOutputName() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("output")).put("name", "scores"));
        assertTrue(approvedLoadFails(folder).contains("no output named 'scores'"));
    }

    @Test
    void classifierWithWrongClassCount() throws Exception {
        Path folder = TinyModels.copy(TinyModels.CLS, tmp);
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("output")).putArray("class_names").add("melanoma").add("nevus");
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        assertTrue(approvedLoadFails(folder).contains("output 'logits' has shape"));
    }

    @Test
    void manifestProblemsNameTheFile() throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        Path manifest = folder.resolve("manifest.json");
        Files.writeString(manifest, "{ not json");
        assertTrue(loadFails(folder).startsWith(manifest + ": not valid JSON"));
        Files.delete(manifest);
        assertEquals(manifest + ": manifest missing", loadFails(folder));
        Path bad = editedManifest(m -> m.put("task", "detection"));
        assertTrue(loadFails(bad).endsWith("task must be segmentation or classification"));
        Path noSha = editedManifest(m -> m.put("sha256", "abc"));
        assertTrue(loadFails(noSha).endsWith("sha256 is not 64 hex digits"));
    }

    @Test
    void modelSetNeedsOneOfEach() throws Exception {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(TinyModels.SEG), TinyModels.SETTINGS));
        assertTrue(e.getMessage().contains("found no classification model"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(TinyModels.SEG, TinyModels.CLS, TinyModels.CLS_MASKED), TinyModels.SETTINGS));
        assertTrue(e.getMessage().contains("a second classification model"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(tmp.resolve("absent")), TinyModels.SETTINGS));
        assertTrue(e.getMessage().endsWith("model folder missing"));
        try (ModelSet set = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS)) {
            assertNotNull(set.model(Manifest.Task.CLASSIFICATION).manifest().referral());
        }
    }

    private static ObjectNode input(ObjectNode manifest) {
        return (ObjectNode) manifest.get("input");
    }

    @Test
    void aCopiedAndEditedModelFolderIsRefused() throws Exception {
        Path unchanged = TinyModels.copy(TinyModels.CLS, tmp.resolve("unchanged"));
        try (OnnxModel model = OnnxModel.load(unchanged, TinyModels.SETTINGS)) {
            assertEquals("tiny-cls", model.manifest().id(), "a copy as built is approved wherever it lies");
        }
        List<Consumer<ObjectNode>> edits = List.of(
                m -> ((ObjectNode) m.get("thresholds")).put("referral", 1.0),
                m -> ((ArrayNode) input(m).get("mean")).set(0, 0.0),
                m -> ((ArrayNode) input(m).get("std")).set(1, 2.0),
                m -> input(m).put("scale", 1.0));
        List<Path> refused = new ArrayList<>();
        for (int i = 0; i < edits.size(); i++) {
            refused.add(TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("edit" + i), edits.get(i)));
        }
        Path fixture = TinyModels.copy(TinyModels.CLS, tmp.resolve("fixture"));
        Files.write(fixture.resolve("fixtures/fixture_2.png"), new byte[]{0}, StandardOpenOption.APPEND);
        refused.add(fixture);
        for (Path folder : refused) {
            String message = loadFails(folder);
            assertTrue(message.startsWith(folder + ": not an approved model folder (folder digest "
                    + ModelFolderDigest.of(folder) + " matches none of the "), message);
            assertTrue(message.endsWith("reinstall the software, or put the folder under models/ and rebuild to "
                    + "approve it"), message);
            ModelException e = assertThrows(ModelException.class,
                    () -> ModelSet.load(List.of(TinyModels.SEG, folder), TinyModels.SETTINGS));
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void theShippedAndTinyModelFoldersAreApproved() throws Exception {
        try (ModelSet shipped = ModelSet.load(List.of(Path.of("models")), TinyModels.SETTINGS);
             ModelSet tiny = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             OnnxModel masked = OnnxModel.load(TinyModels.CLS_MASKED, TinyModels.SETTINGS)) {
            assertEquals(Path.of("models"),
                    shipped.model(Manifest.Task.CLASSIFICATION).manifest().folder().getParent());
            assertEquals("tiny-seg", tiny.model(Manifest.Task.SEGMENTATION).manifest().id());
            assertEquals("tiny-cls-masked", masked.manifest().id());
        }
        String list = ApprovedModels.list(List.of(Path.of("models")));
        try (Stream<Path> folders = Files.list(Path.of("models"))) {
            for (Path folder : folders.filter(f -> Files.exists(f.resolve("manifest.json"))).toList()) {
                Manifest manifest = Manifest.read(folder);
                assertTrue(list.contains(ModelFolderDigest.of(folder) + "  " + manifest.id() + " "
                        + manifest.version() + " (" + folder.getFileName() + ")\n"), list);
            }
        }
    }

    @Test
    void theFolderDigestIsTheSha256OfAChecksumListingOfWhatTheRuntimeReads() throws Exception {
        StringBuilder listing = new StringBuilder();
        for (String file : List.of("fixtures/expected.json", "fixtures/fixture_0.png", "fixtures/fixture_1.png",
                "fixtures/fixture_2.png", "fixtures/fixture_3.png", "manifest.json", "model.onnx")) {
            listing.append(OnnxModel.sha256(Files.readAllBytes(TinyModels.SEG.resolve(file)))).append("  ")
                    .append(file).append('\n');
        }
        String digest = ModelFolderDigest.of(TinyModels.SEG);
        assertEquals(OnnxModel.sha256(listing.toString().getBytes(StandardCharsets.UTF_8)), digest);
        Path documented = TinyModels.copy(TinyModels.SEG, tmp);
        Files.writeString(documented.resolve("MODEL_CARD.md"), "a model card is not part of the digest");
        assertEquals(digest, ModelFolderDigest.of(documented));
    }

    @Test
    void unavailableProviderFallsBackToCpu() throws Exception {
        SessionSettings cuda = new SessionSettings(1, SessionSettings.OptimisationLevel.BASIC,
                SessionSettings.ExecutionProvider.CUDA);
        try (OnnxModel model = OnnxModel.load(TinyModels.SEG, cuda)) {
            assertEquals(SessionSettings.ExecutionProvider.CPU, cuda.effectiveProvider());
            assertEquals(model.itemLength() / 3,
                    model.run(1, planes -> { }, List.of(model.manifest().output().name()))[0].length);
        }
    }
}
