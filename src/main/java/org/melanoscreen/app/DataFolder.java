package org.melanoscreen.app;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one rule for where the results are, shared by {@code run}, {@code results} and {@code selftest}, each of
 * which prints it:
 * <ol>
 * <li>a folder given ({@code --data-dir}, or {@code store.data_dir} in the configuration or {@code --set});</li>
 * <li>for {@code run --demo}, and whenever it exists, {@code ./melanoscreen-data} (a demo's results);</li>
 * <li>otherwise the installed service's {@code /var/lib/melanoscreen}.</li>
 * </ol>
 * Only {@code run} creates the folder; the others report one that is missing.
 *
 * @param origin why this folder, for the "data folder: ... (origin)" line
 */
record DataFolder(Path path, String origin) {
    static final Path SYSTEM = Path.of("/var/lib/melanoscreen");
    static final Path LOCAL = Path.of("melanoscreen-data");

    /** The folder for {@code given} (null: none) named by {@code givenBy}. */
    static DataFolder resolve(Path given, String givenBy, boolean demo) {
        return resolve(given, givenBy, demo, LOCAL, SYSTEM);
    }

    static DataFolder resolve(Path given, String givenBy, boolean demo, Path local, Path system) {
        if (given != null) {
            return new DataFolder(given, "from " + givenBy);
        }
        if (demo) {
            return new DataFolder(local, "run --demo's folder");
        }
        if (Files.isDirectory(local)) {
            return new DataFolder(local, "found in the working folder: a demo's results; --data-dir or "
                    + "store.data_dir for another");
        }
        return new DataFolder(system, "the installed service's folder; --data-dir or store.data_dir for another");
    }

    /** The folder the configuration names, else the rule's. */
    static DataFolder of(ServiceConfig config, boolean demo) {
        String configured = config.text("store.data_dir");
        return resolve(configured.isEmpty() ? null : Path.of(configured), "store.data_dir in "
                + config.origin("store.data_dir"), demo);
    }

    /** "data folder: /abs/path (origin)". */
    String describe() {
        return "data folder: " + path.toAbsolutePath().normalize() + " (" + origin + ")";
    }
}
