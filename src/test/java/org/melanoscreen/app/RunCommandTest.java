package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreSettings;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void demoRunsCapturesStoresThemAndAuditsTheConfiguration() throws Exception {
        Path data = tmp.resolve("data");
        Cli.Run run = Cli.run("run", "--demo", "--captures", "3", "--set",
                "models=" + TinyModels.SEG + "," + TinyModels.CLS, "--set", "store.data_dir=" + data,
                "--set", "source=simulated?fps=60");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("data folder: " + data.toAbsolutePath().normalize()
                + " (from store.data_dir in --set)\n"), run.out());
        assertTrue(Files.isDirectory(data.resolve("display-frames")), "the demo's display frames are in its folder");
        assertTrue(run.out().contains("READY"), run.out());
        assertTrue(run.out().contains("the out-of-distribution check is off (lesion.ood_check=false)"), run.out());
        assertTrue(run.out().contains("benchmark: 3 captures, 3 results, 3 stored, 0 lost"), run.out());
        assertTrue(run.out().contains("trigger to result: p50"), run.out());
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "melanoscreen-demo"))) {
            assertEquals(3, store.list(null, 100).size());
        }
        String audit = Files.readString(data.resolve("audit.log"));
        assertTrue(audit.contains("CONFIG") && audit.contains("first start"), audit);

        Cli.Run again = Cli.run("run", "--demo", "--captures", "1", "--set",
                "models=" + TinyModels.SEG + "," + TinyModels.CLS, "--set", "store.data_dir=" + data,
                "--set", "source=simulated?fps=60", "--set", "capture.burst_frames=4");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(Files.readString(data.resolve("audit.log")).contains("capture.burst_frames: '5' -> '4'"));
    }

    @Test
    void badConfigurationIsASetupError() {
        Cli.Run run = Cli.run("run", "--set", "capture.burst_frames=many");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("capture.burst_frames = 'many' must be a whole number"), run.err());
        Cli.Run unknown = Cli.run("run", "--set", "colour=red");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown configuration key 'colour'"), unknown.err());
    }
}
