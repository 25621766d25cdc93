package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServicePartsTest {
    @Test
    void theReadyScreenNamesTheModelsByTheirIds() throws Exception {
        assertEquals("lesion-seg-mnv2-unet melanoma-cls-mnv2",
                ServiceParts.modelIds(ServiceConfig.load(null, Map.of("models", "models"))));
        assertEquals("lesion-seg-mnv2-unet melanoma-cls-mnv2", ServiceParts.modelIds(ServiceConfig.load(null,
                Map.of("models", "models/lesion-seg-mnv2-unet, models/melanoma-cls-mnv2"))));
    }

    @Test
    void aMissingFolderIsNamedByItsPath(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nowhere");
        assertEquals(missing.toString(), ServiceParts.modelIds(ServiceConfig.load(null, Map.of("models",
                missing.toString()))));
    }
}
