package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before the store writes a new file of {@code bytes} (a result file, or the write probe's block). The
 * service uses {@link #NONE}; tests throw from it what a full disk or an exhausted inode table would, which a
 * test cannot cause on a real disk.
 */
@FunctionalInterface
public interface WriteHook {
    WriteHook NONE = (file, bytes) -> {
    };

    void beforeWrite(Path file, long bytes) throws IOException;
}
