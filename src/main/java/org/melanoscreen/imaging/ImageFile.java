package org.melanoscreen.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * The one rule for which files are images (by name: .jpg, .jpeg, .png in any case) and the one way they are
 * read: only regular files (a FIFO would block for ever, a device such as /dev/zero never ends), never more
 * than a bound, checked before reading and again while reading (a file may grow).
 */
public final class ImageFile {
    private ImageFile() {
    }

    /** True for the names the decoder is made for: .jpg, .jpeg and .png, in any case. */
    public static boolean hasImageName(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** The whole file, if it is a regular file of at most {@code maxBytes}; otherwise the reason. */
    static byte[] read(Path file, long maxBytes) throws ImageException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ImageException(file + ": not a regular file (" + kind(attributes) + "); not read");
            }
            if (attributes.size() > maxBytes) {
                throw tooLarge(file, maxBytes);
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw tooLarge(file, maxBytes);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ImageException(file + ": no such file");
        } catch (IOException e) {
            throw new ImageException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static ImageException tooLarge(Path file, long maxBytes) {
        return new ImageException(file + ": file is larger than the limit of " + maxBytes / (1024 * 1024) + " MB");
    }

    private static String kind(BasicFileAttributes a) {
        return a.isDirectory() ? "a folder" : a.isOther() ? "a FIFO, device or socket" : "a link that leads nowhere";
    }
}
