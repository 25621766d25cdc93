package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicomweb.Orthanc;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoredScreening;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device end to end against a real Orthanc: {@code run --demo} in a child JVM sends every screening it stores;
 * Orthanc is stopped for a while, the device is killed with SIGKILL in the middle, a second device run makes the
 * rest and a third, capturing nothing, sends what is left. Every screening arrives exactly once. Screenings:
 * system property {@code melanoscreen.e2eScreenings} (default 50).
 */
class OrthancEndToEndTest {
    private static final int SCREENINGS = Integer.getInteger("melanoscreen.e2eScreenings", 50);

    @TempDir
    Path dir;

    @Test
    void everyDemoScreeningReachesOrthancExactlyOnceThroughAnOutageAndAKill9() throws Exception {
        assumeTrue(Orthanc.missing().isEmpty(), () -> "skipped: " + Orthanc.missing().orElse(""));
        Path data = dir.resolve("data");
        Path credentials = dir.resolve("credentials.conf");
        Files.writeString(credentials, "pacs.password = " + Orthanc.PASSWORD + "\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        List<Process> children = new ArrayList<>();
        try (Orthanc orthanc = Orthanc.start(dir.resolve("orthanc"))) {
            List<String> device = List.of("--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                    "--set", "store.data_dir=" + data, "--set", "source=simulated?fps=60",
                    "--set", "control.stdin=false", "--set", "capture.burst_frames=2", "--set", "capture.screen_best=1",
                    "--set", "pacs.url=" + orthanc.dicomWeb(), "--set", "pacs.auth=basic",
                    "--set", "pacs.username=" + Orthanc.USER, "--set", "outbox.credentials_file=" + credentials,
                    "--set", "outbox.retry_initial_s=1", "--set", "outbox.retry_max_s=2",
                    "--set", "dicom.contact_method=CONTACT", "--set", "dicom.polarization=POLARIZED");

            Path log1 = dir.resolve("run1.log");
            Process first = start(children, log1, device, "--captures", Integer.toString(SCREENINGS));
            await(() -> stored(log1) >= SCREENINGS / 6, first, log1, "first screenings");
            orthanc.stop();
            await(() -> stored(log1) >= SCREENINGS / 3, first, log1, "screenings while Orthanc is down");
            orthanc.start();
            await(() -> stored(log1) >= SCREENINGS / 2, first, log1, "screenings after Orthanc is back");
            first.destroyForcibly(); // SIGKILL, in the middle of capturing and sending
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));

            int made = count(data);
            long queuedAtKill = depth(data);
            assertTrue(made < SCREENINGS, "killed before the end");
            Path log2 = dir.resolve("run2.log");
            Process second = start(children, log2, device, "--captures", Integer.toString(SCREENINGS - made));
            assertTrue(second.waitFor(10, TimeUnit.MINUTES), "second run finished");
            assertEquals(0, second.exitValue(), Files.readString(log2));
            assertEquals(SCREENINGS, count(data));

            // a device that captures nothing, only sends what is still queued
            Path log3 = dir.resolve("run3.log");
            Process third = start(children, log3, device, "--interval-ms", "0");
            await(() -> instances(orthanc) >= SCREENINGS && depth(data) == 0, third, log3, "all sent");
            third.destroy();
            assertTrue(third.waitFor(60, TimeUnit.SECONDS));

            JsonNode all = orthanc.json("/dicom-web/instances?limit=1000");
            Set<String> arrived = new HashSet<>();
            all.forEach(i -> arrived.add(i.path("00080018").path("Value").path(0).asText()));
            Set<String> expected = new HashSet<>();
            try (ResultStore store = ResultStore.openShared(data)) {
                for (StoredScreening s : store.list(null, 10_000)) {
                    expected.add(DicomExporter.instanceUid(s));
                }
                OutboxStatus pacs = store.outboxStatus().get(0);
                assertEquals(SCREENINGS, pacs.done(), "every item done");
                System.out.printf("orthanc end to end: %d screenings, killed after %d with %d not yet sent, %d "
                        + "instances at Orthanc%n", SCREENINGS, made, queuedAtKill, all.size());
            }
            assertEquals(SCREENINGS, all.size(), "as many instances as screenings: none twice");
            assertEquals(expected, arrived, "every screening's instance");
            assertEquals(SCREENINGS, orthanc.json("/statistics").path("CountInstances").asInt());
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static Process start(List<Process> children, Path log, List<String> device, String... extra)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                "--demo"));
        command.addAll(device);
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    private static void await(BooleanSupplier condition, Process p, Path log, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail(what + ": not reached (device " + (p.isAlive() ? "still running" : "exited " + p.exitValue())
                        + "):\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private static long stored(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("stored #")).count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static int count(Path data) throws Exception {
        try (ResultStore store = ResultStore.openShared(data)) {
            return store.list(null, 10_000).size();
        }
    }

    private static long depth(Path data) {
        try (ResultStore store = ResultStore.openShared(data)) {
            return store.outboxStatus().stream().mapToLong(OutboxStatus::depth).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int instances(Orthanc orthanc) {
        try {
            return orthanc.json("/statistics").path("CountInstances").asInt();
        } catch (Exception e) {
            return -1;
        }
    }
}
