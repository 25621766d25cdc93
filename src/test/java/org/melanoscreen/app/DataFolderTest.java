package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One rule for the data folder, whoever asks: run, results, selftest. */
class DataFolderTest {
    @TempDir
    Path dir;

    private DataFolder resolve(Path given, boolean demo) {
        return DataFolder.resolve(given, "--data-dir", demo, dir.resolve("melanoscreen-data"),
                dir.resolve("var/lib/melanoscreen"));
    }

    @Test
    void aGivenFolderWinsThenTheDemosThenTheService() throws Exception {
        Path local = dir.resolve("melanoscreen-data");
        Path system = dir.resolve("var/lib/melanoscreen");
        assertEquals(new DataFolder(Path.of("x"), "from --data-dir"), resolve(Path.of("x"), true));
        assertEquals(local, resolve(null, true).path(), "run --demo writes into ./melanoscreen-data");
        assertEquals(system, resolve(null, false).path(), "no demo ran here: the service's folder");

        Files.createDirectories(local);
        Files.createDirectories(system);
        assertEquals(local, resolve(null, false).path(),
                "after run --demo (even as root, with /var/lib/melanoscreen present) results and selftest look "
                        + "where the demo wrote");
        assertTrue(resolve(null, false).describe().startsWith("data folder: " + local + " (found in the working "
                + "folder: a demo's results"), resolve(null, false).describe());
    }

    @Test
    void theConfigurationNamesItsFolderAndWhereItWasSet() throws Exception {
        Path file = Files.writeString(dir.resolve("m.conf"), "store.data_dir = /srv/results\n");
        DataFolder folder = DataFolder.of(ServiceConfig.load(file, Map.of()), false);
        assertEquals(new DataFolder(Path.of("/srv/results"), "from store.data_dir in " + file), folder);
        assertEquals("data folder: /srv/results (from store.data_dir in " + file + ")", folder.describe());
    }

    @Test
    void selftestReportsAMissingDataFolderWithoutCreatingIt() {
        Path absent = dir.resolve("absent");
        Cli.Run run = Cli.run("selftest", "--set", "store.data_dir=" + absent, "--set", "source=simulated",
                "--set", "hardware.lights=none", "--set", "hardware.button=none", "--set", "hardware.display=none");
        assertTrue(run.out().startsWith("data folder: " + absent + " (from store.data_dir in --set)\n"), run.out());
        assertTrue(run.out().contains("FAIL store: " + absent + ": data folder does not exist (selftest does not "
                + "create it"), run.out());
        assertFalse(Files.exists(absent), "selftest created the data folder");
    }
}
