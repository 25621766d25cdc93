package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The JPEG and PNG files of a folder in file-name order (so a recorded session should use zero-padded numbers),
 * for tests, demos and replay. A file that cannot be decoded gives a {@link CaptureException} naming it, and the
 * next grab moves on to the following file.
 */
public final class FolderSource implements FrameSource {
    private final Path folder;
    private final List<Path> files;
    private final boolean loop;
    private final ImageDecoder decoder = new ImageDecoder();
    private int next;

    private FolderSource(Path folder, List<Path> files, boolean loop) {
        this.folder = folder;
        this.files = files;
        this.loop = loop;
    }

    /** Lists the folder's images now; files added later are not seen. */
    public static FolderSource open(Path folder, boolean loop) throws CaptureException {
        if (!Files.isDirectory(folder)) {
            throw new CaptureException("folder " + folder + ": not a folder (or it does not exist)");
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(folder)) {
            files = entries.filter(FolderSource::isImage).sorted().toList();
        } catch (IOException e) {
            throw new CaptureException("folder " + folder + ": cannot be listed (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new CaptureException("folder " + folder + ": no .jpg, .jpeg or .png files");
        }
        return new FolderSource(folder, files, loop);
    }

    @Override
    public Frame grab() throws CaptureException {
        if (next == files.size()) {
            if (!loop) {
                throw new SourceExhaustedException("folder " + folder + ": all " + files.size() + " images delivered");
            }
            next = 0;
        }
        Path file = files.get(next++);
        try {
            return decoder.decode(file);
        } catch (ImageException e) {
            throw new CaptureException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "folder " + folder + " (" + files.size() + " images" + (loop ? ", looping)" : ")");
    }

    /** Nothing is held between grabs. */
    @Override
    public void close() {
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"));
    }
}
