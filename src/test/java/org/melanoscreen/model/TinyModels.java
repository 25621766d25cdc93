package org.melanoscreen.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The tiny test models made by the recipe's smoke mode (src/test/resources/tiny-models). */
public final class TinyModels {
    public static final Path ROOT = Path.of("src/test/resources/tiny-models");
    public static final Path SEG = ROOT.resolve("seg");
    public static final Path CLS = ROOT.resolve("cls");
    public static final Path CLS_MASKED = ROOT.resolve("cls-masked");
    public static final SessionSettings SETTINGS = new SessionSettings(1, SessionSettings.OptimisationLevel.ALL,
            SessionSettings.ExecutionProvider.CPU);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyModels() {
    }

    public static List<Path> pair() {
        return List.of(SEG, CLS);
    }

    /** A copy of a model folder with its manifest edited. */
    public static Path editedCopy(Path folder, Path into, Consumer<ObjectNode> edit) {
        Path copy = copy(folder, into);
        File manifest = copy.resolve(Manifest.FILE_NAME).toFile();
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(manifest);
            edit.accept(json);
            JSON.writeValue(manifest, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /** The build's approvals and {@code folders} as they are now, for tests that edit a copy on purpose. */
    public static ApprovedModels approving(Path... folders) throws ModelException {
        ApprovedModels approved = ApprovedModels.builtIn();
        for (Path folder : folders) {
            approved = approved.plus(ModelFolderDigest.of(folder));
        }
        return approved;
    }

    /**
     * Runs {@code body} with {@code folders} approved where the built-in approvals are used (the command line, the
     * service): their list goes on the thread's context class path under {@code listRoot}, as the build puts the
     * shipped models' list into the jar.
     */
    public static <T> T withApproved(Path listRoot, Callable<T> body, Path... folders) throws Exception {
        Path list = listRoot.resolve(ApprovedModels.RESOURCE);
        Files.createDirectories(list.getParent());
        Files.writeString(list, ApprovedModels.list(List.of(folders)));
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{listRoot.toUri().toURL()}, original)) {
            thread.setContextClassLoader(loader);
            return body.call();
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    /** A writable copy of a model folder, for tests that damage it. */
    public static Path copy(Path folder, Path into) {
        Path target = into.resolve(folder.getFileName());
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.toList()) {
                Path t = target.resolve(folder.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
