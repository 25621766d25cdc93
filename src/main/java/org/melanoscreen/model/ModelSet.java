package org.melanoscreen.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The models the device screens with, one per task ({@link Manifest.Task}), loaded and verified together: a
 * segmenter and a classifier at least.
 */
public final class ModelSet implements AutoCloseable {
    /** The tasks screening cannot do without. */
    private static final List<Manifest.Task> REQUIRED = List.of(Manifest.Task.SEGMENTATION,
            Manifest.Task.CLASSIFICATION);
    private final Map<Manifest.Task, OnnxModel> models;

    private ModelSet(Map<Manifest.Task, OnnxModel> models) {
        this.models = models;
    }

    /**
     * Loads the model folders named; a folder without {@code manifest.json} is searched one level down, so the
     * shipped {@code models/} folder can be named as a whole. At most one model per task, a segmenter and a
     * classifier among them, each from a folder this build approved ({@link ApprovedModels}).
     */
    public static ModelSet load(List<Path> locations, SessionSettings settings) throws ModelException {
        return load(locations, settings, ApprovedModels.builtIn());
    }

    /** As {@link #load(List, SessionSettings)}, each folder checked against {@code approved}. */
    public static ModelSet load(List<Path> locations, SessionSettings settings, ApprovedModels approved)
            throws ModelException {
        List<Path> folders = new ArrayList<>();
        for (Path location : locations) {
            folders.addAll(folders(location));
        }
        Map<Manifest.Task, OnnxModel> loaded = new EnumMap<>(Manifest.Task.class);
        List<OnnxModel> all = new ArrayList<>();
        try {
            for (Path folder : folders) {
                OnnxModel model = OnnxModel.load(folder, settings, approved);
                all.add(model);
                loaded.put(model.manifest().task(), only(loaded.get(model.manifest().task()), model));
            }
            List<String> missing = REQUIRED.stream().filter(t -> !loaded.containsKey(t))
                    .map(Manifest.Task::manifestName).toList();
            if (!missing.isEmpty()) {
                throw new ModelException(String.join(", ", locations.stream().map(Path::toString).toList())
                        + ": need one segmentation and one classification model, found no " + String.join(" and no ",
                        missing) + " model");
            }
            return new ModelSet(loaded);
        } catch (ModelException | RuntimeException e) {
            all.forEach(OnnxModel::close);
            throw e;
        }
    }

    private static OnnxModel only(OnnxModel existing, OnnxModel next) throws ModelException {
        if (existing != null) {
            throw new ModelException(next.manifest().folder() + ": a second " + next.manifest().task().manifestName()
                    + " model (already have "
                    + existing.manifest().folder() + ")");
        }
        return next;
    }

    /** The model folders at {@code location}: itself when it holds a manifest, else its sub-folders that do. */
    public static List<Path> folders(Path location) throws ModelException {
        if (!Files.isDirectory(location)) {
            throw new ModelException(location + ": model folder missing");
        }
        List<Path> found = foldersIn(location);
        if (found.isEmpty()) {
            throw new ModelException(location + ": no manifest.json in it or its sub-folders");
        }
        return found;
    }

    /** {@code location} if it is a model folder, else its sub-folders that are; none for a missing folder. */
    static List<Path> foldersIn(Path location) throws ModelException {
        if (Files.exists(location.resolve(Manifest.FILE_NAME))) {
            return List.of(location);
        }
        if (!Files.isDirectory(location)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(location)) {
            return children.filter(p -> Files.exists(p.resolve(Manifest.FILE_NAME))).sorted().toList();
        } catch (IOException e) {
            throw new ModelException(location + ": cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    /** The model for {@code task}; only the segmenter and the classifier are sure to be there. */
    public OnnxModel model(Manifest.Task task) {
        OnnxModel model = models.get(task);
        if (model == null) {
            throw new IllegalArgumentException("no " + task.manifestName() + " model in this set");
        }
        return model;
    }

    /** Each model's id and the sha256 of its file, in task order: what a stored result says it was screened with. */
    public Map<String, String> hashes() {
        Map<String, String> hashes = new LinkedHashMap<>();
        models.values().forEach(m -> hashes.put(m.manifest().id(), m.manifest().sha256()));
        return hashes;
    }

    @Override
    public void close() {
        models.values().forEach(OnnxModel::close);
    }
}
