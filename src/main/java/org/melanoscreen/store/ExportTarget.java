package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an export may go: a new folder in an existing folder (a typo or a stick that is not mounted must not
 * create a path on the internal disk), on another file system than the data folder's unless a same-disk export
 * is asked for explicitly.
 */
final class ExportTarget {
    private ExportTarget() {
    }

    /** The absolute export folder, after checking its place against the data folder. */
    static Path check(Path to, Path dataFolder, boolean sameDiskAllowed) throws StoreException {
        Path target = to.toAbsolutePath().normalize();
        if (target.getParent() == null) {
            throw new StoreException("export folder " + target + ": name a new folder inside a mounted stick");
        }
        if (target.startsWith(dataFolder) || dataFolder.startsWith(target)) {
            throw new StoreException("export folder " + target + ": must be outside the data folder " + dataFolder);
        }
        Path parent = target.getParent();
        if (!Files.isDirectory(parent)) {
            throw new StoreException("export folder " + target + ": " + parent + " does not exist or is not a folder "
                    + "(is the USB stick mounted?); nothing was exported");
        }
        if (sameDiskAllowed) {
            return target;
        }
        try {
            FileStore stick = Files.getFileStore(parent);
            FileStore data = Files.getFileStore(dataFolder);
            if (stick.equals(data)) {
                throw new StoreException("export folder " + target + ": on the same disk as the data folder "
                        + dataFolder + " (" + stick + "); mount a USB stick and export onto it, or pass --same-disk "
                        + "to copy onto this disk on purpose; nothing was exported");
            }
        } catch (IOException e) {
            throw new StoreException("export folder " + target + ": its disk cannot be determined ("
                    + DurableFiles.reason(e) + ")", e);
        }
        return target;
    }
}
