package org.melanoscreen.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The segmenter and classifier the device screens with, loaded and verified together. */
public final class ModelSet implements AutoCloseable {
    private final Segmenter segmenter;
    private final Classifier classifier;

    private ModelSet(Segmenter segmenter, Classifier classifier) {
        this.segmenter = segmenter;
        this.classifier = classifier;
    }

    /**
     * Loads the model folders named; a folder without {@code manifest.json} is searched one level down, so the
     * shipped {@code models/} folder can be named as a whole. Exactly one segmenter and one classifier must result,
     * each from a folder this build approved ({@link ApprovedModels}).
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
        List<OnnxModel> loaded = new ArrayList<>();
        try {
            OnnxModel seg = null;
            OnnxModel cls = null;
            for (Path folder : folders) {
                OnnxModel model = OnnxModel.load(folder, settings, approved);
                loaded.add(model);
                if (model.manifest().task() == Manifest.Task.SEGMENTATION) {
                    seg = only(seg, model, "segmentation");
                } else {
                    cls = only(cls, model, "classification");
                }
            }
            if (seg == null || cls == null) {
                throw new ModelException(String.join(", ", locations.stream().map(Path::toString).toList())
                        + ": need one segmentation and one classification model, found "
                        + (seg == null ? "no segmenter" : "no classifier"));
            }
            return new ModelSet(new Segmenter(seg), new Classifier(cls));
        } catch (ModelException | RuntimeException e) {
            loaded.forEach(OnnxModel::close);
            throw e;
        }
    }

    private static OnnxModel only(OnnxModel existing, OnnxModel next, String task) throws ModelException {
        if (existing != null) {
            throw new ModelException(next.manifest().folder() + ": a second " + task + " model (already have "
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

    public Segmenter segmenter() {
        return segmenter;
    }

    public Classifier classifier() {
        return classifier;
    }

    @Override
    public void close() {
        segmenter.model().close();
        classifier.model().close();
    }
}
