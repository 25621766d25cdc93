package org.melanoscreen.app;

import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.store.StoreSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The service's models and store as its configuration describes them, for every command that reads it. */
final class ServiceParts {
    private ServiceParts() {
    }

    /** The {@code models} key's folders, or the shipped models when it is empty. */
    static List<Path> modelFolders(ServiceConfig config) {
        return ServiceSettings.from(config.values()).modelFolders();
    }

    /**
     * The model ids for the ready screen, as their manifests name them ("lesion-seg-mnv2-unet melanoma-cls-mnv2");
     * a folder that cannot be read is named by its path (the self-test then reports it).
     */
    static String modelIds(ServiceConfig config) {
        List<String> ids = new ArrayList<>();
        for (Path location : modelFolders(config)) {
            try {
                for (Path folder : ModelSet.folders(location)) {
                    ids.add(Manifest.read(folder).id());
                }
            } catch (ModelException e) {
                ids.add(location.toString());
            }
        }
        return String.join(" ", ids);
    }

    /**
     * Every file under {@code folders} with its size and modification time (or why it cannot be listed), so that
     * a change to any of them is seen without reading them.
     */
    static String filesState(List<Path> folders) {
        StringBuilder state = new StringBuilder();
        for (Path folder : folders) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    state.append(f).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime()).append('\n');
                }
            } catch (IOException | UncheckedIOException e) {
                state.append(folder).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return state.toString();
    }

    static SessionSettings sessionSettings(ServiceConfig config) {
        return SessionSettings.from(config.values());
    }

    /** The store in {@code dataFolder} ({@link DataFolder}), as the configuration describes it. */
    static StoreSettings storeSettings(ServiceConfig config, Path dataFolder) {
        return StoreSettings.from(config.values(), dataFolder, config.text("device.id"));
    }
}
