package org.melanoscreen.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the appliance keeps its results when no {@code --data-dir} is given. */
final class DataFolder {
    static final Path SYSTEM = Path.of("/var/lib/melanoscreen");
    static final Path LOCAL = Path.of("melanoscreen-data");

    private DataFolder() {
    }

    /** {@code /var/lib/melanoscreen} where this process may write it, else {@code ./melanoscreen-data}. */
    static Path defaultFolder() {
        return choose(SYSTEM, LOCAL);
    }

    static Path choose(Path system, Path local) {
        if (Files.isDirectory(system)) {
            return Files.isWritable(system) ? system : local;
        }
        Path parent = system.getParent();
        return parent != null && Files.isDirectory(parent) && Files.isWritable(parent) ? system : local;
    }
}
