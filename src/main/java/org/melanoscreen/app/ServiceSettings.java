package org.melanoscreen.app;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Which appliance this is and which models it screens with ({@link #KEYS}).
 *
 * @param deviceId     this appliance's name in results and audit lines
 * @param modelFolders model folders, or folders of model folders; the shipped models when the key is empty
 */
record ServiceSettings(String deviceId, List<Path> modelFolders) {
    static final List<Key> KEYS = List.of(
            Key.text("device.id", "melanoscreen", "This appliance's name in results and audit lines."),
            Key.text("models", "", "Comma-separated model folders; empty = the shipped models."));

    ServiceSettings {
        if (deviceId.isBlank()) {
            throw new IllegalArgumentException("device.id must not be empty");
        }
        modelFolders = List.copyOf(modelFolders);
    }

    static ServiceSettings from(Values v) {
        String models = v.text("models");
        return new ServiceSettings(v.text("device.id"), models.isEmpty() ? List.of(defaultModels())
                : Arrays.stream(models.split(",")).map(String::trim).map(Path::of).toList());
    }

    /**
     * {@code ./models} when run from the project; else {@code models} beside the jar (installed:
     * /usr/share/melanoscreen/models) or beside the jar's folder (a build: target/../models).
     */
    static Path defaultModels() {
        Path local = Path.of("models");
        if (Files.isDirectory(local)) {
            return local;
        }
        try {
            Path jarFolder = Path.of(ServiceSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
            for (Path candidate : List.of(jarFolder.resolve("models"), jarFolder.resolveSibling("models"))) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return local;
        }
        return local;
    }
}
