package org.melanoscreen.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Expands the image and folder arguments of a command into the image files to process. */
final class Inputs {
    private Inputs() {
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** An argument that yields nothing to process. */
    record Problem(String source, String message) {
    }

    /**
     * Files named are kept as they are (a bad one gets its own error later); folders contribute their JPEG and
     * PNG files, sorted by name. A folder that cannot be listed is reported in {@code problems}.
     */
    static List<Path> expand(List<Path> arguments, List<Problem> problems) {
        List<Path> files = new ArrayList<>();
        for (Path arg : arguments) {
            if (Files.isDirectory(arg)) {
                try (Stream<Path> s = Files.list(arg)) {
                    List<Path> images = s.filter(Files::isRegularFile).filter(Inputs::isImageName).sorted().toList();
                    if (images.isEmpty()) {
                        problems.add(new Problem(arg.toString(), arg + ": folder holds no JPEG or PNG images"));
                    }
                    files.addAll(images);
                } catch (IOException e) {
                    problems.add(new Problem(arg.toString(), arg + ": folder cannot be listed (" + e.getMessage() + ")"));
                }
            } else {
                files.add(arg);
            }
        }
        return files;
    }
}
