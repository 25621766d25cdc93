package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JPEG and PNG files of a folder in file-name order (so a recorded session should use zero-padded numbers),
 * for tests, demos and replay. A file that cannot be decoded gives a {@link CaptureException} naming it, and the
 * next grab moves on to the following file.
 */
public final class FolderSource implements FrameSource {
    private static final String RESTORE = "restore the replay folder, or change source";

    private final Path folder;
    private final List<Path> files;
    private final int skipped;
    private final boolean loop;
    private final ImageDecoder decoder = new ImageDecoder();
    private int next;

    private FolderSource(Path folder, List<Path> files, int skipped, boolean loop) {
        this.folder = folder;
        this.files = files;
        this.skipped = skipped;
        this.loop = loop;
    }

    /**
     * Lists the folder's images now (files added later are not seen); the entries left out are logged, one
     * warning line naming them with their reasons.
     */
    public static FolderSource open(Path folder, boolean loop) throws CaptureException {
        if (!Files.isDirectory(folder)) {
            throw new CaptureException("folder " + folder + ": not a folder (or it does not exist)", RESTORE);
        }
        ImageFolder listing;
        try {
            listing = ImageFolder.list(folder);
        } catch (IOException e) {
            throw new CaptureException("folder " + folder + ": cannot be listed (" + e.getMessage() + ")", RESTORE, e);
        }
        if (!listing.skipped().isEmpty()) {
            Logger.warn("folder {}: skipped {} entries: {}", folder, listing.skipped().size(), String.join("; ",
                    listing.skipped().stream().map(ImageFolder.Skipped::describe).toList()));
        }
        if (listing.images().isEmpty()) {
            throw new CaptureException("folder " + folder + ": no .jpg, .jpeg or .png files", "put .jpg or .png "
                    + "images into " + folder);
        }
        return new FolderSource(folder, listing.images(), listing.skipped().size(), loop);
    }

    @Override
    public Frame grab() throws CaptureException {
        if (next == files.size()) {
            if (!loop) {
                throw new SourceExhaustedException("folder " + folder + ": all " + files.size() + " images delivered",
                        "restart the service to replay " + folder + ", or add ?loop=true to the folder source");
            }
            next = 0;
        }
        Path file = files.get(next++);
        try {
            return decoder.decode(file);
        } catch (ImageException e) {
            throw new CaptureException(e.getMessage(), "replace or remove " + file + " in the replay folder", e);
        }
    }

    @Override
    public String describe() {
        return "folder " + folder + " (" + files.size() + " images" + (skipped == 0 ? "" : ", " + skipped
                + (skipped == 1 ? " entry" : " entries") + " skipped, see the log")
                + (loop ? ", looping)" : ")");
    }

    /** Nothing is held between grabs. */
    @Override
    public void close() {
    }

}
