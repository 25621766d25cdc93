package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before the store creates a file (a result file or a write probe). The service uses {@link #NONE}; tests
 * throw from it what a full disk or an exhausted inode table would, which a test cannot cause on a real disk.
 */
@FunctionalInterface
public interface WriteHook {
    WriteHook NONE = file -> {
    };

    void beforeCreate(Path file) throws IOException;
}
