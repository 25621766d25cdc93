package org.melanoscreen.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** The tiny test models made by the recipe's smoke mode (src/test/resources/tiny-models). */
public final class TinyModels {
    public static final Path ROOT = Path.of("src/test/resources/tiny-models");
    public static final Path SEG = ROOT.resolve("seg");
    public static final Path CLS = ROOT.resolve("cls");
    public static final Path CLS_MASKED = ROOT.resolve("cls-masked");
    public static final SessionSettings SETTINGS = new SessionSettings(1, SessionSettings.OptimisationLevel.ALL,
            SessionSettings.ExecutionProvider.CPU);

    private TinyModels() {
    }

    public static List<Path> pair() {
        return List.of(SEG, CLS);
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
