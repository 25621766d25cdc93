package org.melanoscreen.capture;

import org.melanoscreen.imaging.ImageFile;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images of one folder (regular files with an image name, see {@link ImageFile}) in name order, and every
 * other entry with the reason it was left out: for {@code screen}, {@code bench} and the folder source alike.
 *
 * @param images  the files to read, sorted by name
 * @param skipped every other entry: an unusable image (its name says image, but it cannot be read) or not one
 */
public record ImageFolder(Path folder, List<Path> images, List<Skipped> skipped) {

    /** An entry left out; {@code unusableImage} when its name says it is an image. */
    public record Skipped(Path entry, String reason, boolean unusableImage) {
        public String describe() {
            return entry + ": " + reason;
        }
    }

    /** Lists {@code folder} now (entries added later are not seen); an {@link IOException} if it cannot be. */
    public static ImageFolder list(Path folder) throws IOException {
        List<Path> images = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.sorted().toList()) {
                String reason = reasonToSkip(entry);
                if (reason == null) {
                    images.add(entry);
                } else {
                    skipped.add(new Skipped(entry, reason, ImageFile.hasImageName(entry)
                            && !reason.equals(NOT_AN_IMAGE_NAME)));
                }
            }
        }
        return new ImageFolder(folder, List.copyOf(images), List.copyOf(skipped));
    }

    /** The entries that are not images at all (other names, subfolders), as one line naming them; null if none. */
    public String otherEntriesLine() {
        List<String> names = skipped.stream().filter(s -> !s.unusableImage()).map(s -> s.entry().getFileName()
                + " (" + s.reason() + ")").toList();
        return names.isEmpty() ? null : folder + ": skipped " + names.size() + " entr" + (names.size() == 1 ? "y" : "ies")
                + (names.size() == 1 ? " that is not an image: " : " that are not images: ") + String.join(", ", names);
    }

    private static final String NOT_AN_IMAGE_NAME = "not a .jpg, .jpeg or .png name";

    private static String reasonToSkip(Path entry) {
        if (!nameable(entry)) {
            return "its name cannot be represented in this system's character set ("
                    + System.getProperty("sun.jnu.encoding") + "); rename it, or run under a UTF-8 locale such as "
                    + "LANG=C.UTF-8";
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (IOException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            return "a link that cannot be followed (" + why + ")";
        }
        if (a.isDirectory()) {
            return "a subfolder, not searched";
        }
        if (!a.isRegularFile()) {
            return "a FIFO, device or socket, not read";
        }
        return ImageFile.hasImageName(entry) ? null : NOT_AN_IMAGE_NAME;
    }

    /**
     * False when Java cannot turn the entry's name into text and back (a byte that is no character under the
     * locale, such as a UTF-8 name under LANG=C): every later use by name (output, overlay files) would fail.
     */
    static boolean nameable(Path entry) {
        try {
            return Path.of(entry.toString()).equals(entry);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
