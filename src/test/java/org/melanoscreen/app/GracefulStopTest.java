package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreSettings;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM stops the service cleanly: the capture ends, camera and store are closed, every result is intact. */
class GracefulStopTest {

    @Test
    void sigtermStopsTheDemoCleanly(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("out.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--demo",
                "--interval-ms", "300", "--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                "--set", "store.data_dir=" + data, "--set", "source=simulated?fps=60", "--set", "control.stdin=false")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && countResults(log) < 2) {
                Thread.sleep(100);
            }
            assertTrue(countResults(log) >= 2, Files.readString(log));
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertEquals(143, p.exitValue(), out);
        assertTrue(out.contains("Appliance stopped"), out);
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "melanoscreen-demo"))) {
            assertTrue(store.list(null, 1000).size() >= 2);
            assertEquals(List.of(), store.verify());
        }
    }

    private static long countResults(Path log) throws Exception {
        if (!Files.exists(log)) {
            return 0;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(log),
                StandardCharsets.UTF_8))) {
            return r.lines().filter(l -> l.contains("stored #")).count();
        }
    }
}
