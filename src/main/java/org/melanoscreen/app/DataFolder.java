package org.melanoscreen.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the appliance keeps its results when no {@code --data-dir} is given. */
public final class DataFolder {
    public static final Path SYSTEM = Path.of("/var/lib/melanoscreen");
    public static final Path LOCAL = Path.of("melanoscreen-data");

    private DataFolder() {
    }

    /** {@code /var/lib/melanoscreen} where this process may write it, else {@code ./melanoscreen-data}. */
    public static Path defaultFolder() {
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
