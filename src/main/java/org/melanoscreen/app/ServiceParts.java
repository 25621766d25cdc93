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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The service's models and store as its configuration describes them, for {@code run} and {@code selftest}. */
final class ServiceParts {
    private ServiceParts() {
    }

    /** The {@code models} key's folders, or the shipped models when it is empty. */
    static List<Path> modelFolders(ServiceConfig config) {
        return config.text("models").isEmpty() ? List.of(ModelOptions.defaultModels())
                : Arrays.stream(config.text("models").split(",")).map(String::trim).map(Path::of).toList();
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
        return new SessionSettings(config.integer("models.threads"),
                SessionSettings.OptimisationLevel.valueOf(config.text("models.optimisation").toUpperCase(Locale.ROOT)),
                SessionSettings.ExecutionProvider.valueOf(config.text("models.provider").toUpperCase(Locale.ROOT)));
    }

    /** The store in {@code dataFolder} ({@link DataFolder}), as the configuration describes it. */
    static StoreSettings storeSettings(ServiceConfig config, Path dataFolder) {
        int days = config.integer("store.retention_days");
        int count = config.integer("store.retention_max_count");
        return new StoreSettings(dataFolder,
                config.integer("store.min_free_mb") * 1024L * 1024L, days == 0 ? null : Duration.ofDays(days),
                count == 0 ? null : count, config.text("device.id"));
    }
}
