package org.melanoscreen.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

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

    private Path editedManifest(Consumer<ObjectNode> edit) throws Exception {
        Path folder = TinyModels.copy(TinyModels.SEG, tmp);
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        edit.accept(manifest);
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        return folder;
    }

    @Test
    void loadsAndWarmsUpAVerifiedModel() throws Exception {
        try (OnnxModel model = OnnxModel.load(TinyModels.SEG, TinyModels.SETTINGS)) {
            assertEquals(Manifest.Task.SEGMENTATION, model.manifest().task());
            assertEquals(model.manifest().input().width() * model.manifest().input().height(),
                    model.run(new float[model.inputLength()]).length);
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
        String message = loadFails(folder);
        assertTrue(message.contains("ONNX Runtime cannot load it"), message);
    }

    @Test
    void wrongInputName() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("input")).put("name", "pixels"));
        assertTrue(loadFails(folder).contains("no input named 'pixels'"));
    }

    @Test
    void wrongInputShape() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("input")).put("height", 77));
        String message = loadFails(folder);
        assertTrue(message.contains("has shape") && message.contains("77"), message);
    }

    @Test
    void wrongOutputName() throws Exception {
        Path folder = editedManifest(m -> ((ObjectNode) m.get("output")).put("name", "scores"));
        assertTrue(loadFails(folder).contains("no output named 'scores'"));
    }

    @Test
    void classifierWithWrongClassCount() throws Exception {
        Path folder = TinyModels.copy(TinyModels.CLS, tmp);
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("output")).putArray("class_names").add("melanoma").add("nevus");
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        assertTrue(loadFails(folder).contains("output 'logits' has shape"));
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
        assertTrue(e.getMessage().contains("found no classifier"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(TinyModels.SEG, TinyModels.CLS, TinyModels.CLS_MASKED), TinyModels.SETTINGS));
        assertTrue(e.getMessage().contains("a second classification model"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(tmp.resolve("absent")), TinyModels.SETTINGS));
        assertTrue(e.getMessage().endsWith("model folder missing"));
        try (ModelSet set = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS)) {
            assertNotNull(set.classifier().manifest().referral());
        }
    }

    @Test
    void unavailableProviderFallsBackToCpu() throws Exception {
        SessionSettings cuda = new SessionSettings(1, SessionSettings.OptimisationLevel.BASIC,
                SessionSettings.ExecutionProvider.CUDA);
        try (OnnxModel model = OnnxModel.load(TinyModels.SEG, cuda)) {
            assertEquals(SessionSettings.ExecutionProvider.CPU, cuda.effectiveProvider());
            assertEquals(model.inputLength() / 3, model.run(new float[model.inputLength()]).length);
        }
    }
}
