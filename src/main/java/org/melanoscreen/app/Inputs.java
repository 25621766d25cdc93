package org.melanoscreen.app;

import org.melanoscreen.capture.ImageFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands the image and folder arguments of a command into the image files to process. The arguments are
 * taken as text, so that one this system cannot name as a path is one error, not the end of the batch.
 *
 * @param files    the files to process, in argument order, each folder's images sorted by name
 * @param problems the arguments and folder entries that yield nothing although they should (each an error)
 * @param notes    one line per folder naming the entries that are not images (subfolders, other files)
 */
record Inputs(List<Path> files, List<Problem> problems, List<String> notes) {

    /** An argument or folder entry that yields nothing to process. */
    record Problem(String source, String message) {
    }

    /**
     * Files named are kept as they are (a bad one gets its own error when read); folders contribute their
     * images ({@link ImageFolder}).
     */
    static Inputs expand(List<String> arguments) {
        List<Path> files = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String argument : arguments) {
            Path arg;
            try {
                arg = Path.of(argument);
            } catch (InvalidPathException e) {
                problems.add(new Problem(argument, argument + ": not a path this system can name (" + e.getReason()
                        + " under " + System.getProperty("sun.jnu.encoding") + "); run under a UTF-8 locale such as "
                        + "LANG=C.UTF-8"));
                continue;
            }
            if (!Files.isDirectory(arg)) {
                files.add(arg);
                continue;
            }
            try {
                ImageFolder folder = ImageFolder.list(arg);
                folder.skipped().stream().filter(ImageFolder.Skipped::unusableImage)
                        .forEach(s -> problems.add(new Problem(s.entry().toString(), s.describe())));
                if (folder.otherEntriesLine() != null) {
                    notes.add(folder.otherEntriesLine());
                }
                if (folder.images().isEmpty()) {
                    problems.add(new Problem(argument, arg + ": folder holds no JPEG or PNG images"));
                }
                files.addAll(folder.images());
            } catch (IOException e) {
                problems.add(new Problem(argument, arg + ": folder cannot be listed (" + e.getMessage() + ")"));
            }
        }
        return new Inputs(List.copyOf(files), List.copyOf(problems), List.copyOf(notes));
    }

    /** Writes every problem as an error ({@code output}) and every note on standard error. */
    void report(OutputOptions output) {
        problems.forEach(p -> output.error(p.source(), p.message()));
        notes.forEach(n -> System.err.println("note: " + n));
    }
}
