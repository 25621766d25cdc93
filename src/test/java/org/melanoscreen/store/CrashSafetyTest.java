package org.melanoscreen.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a writing child JVM with SIGKILL at random moments, reopens the store and checks that every screening it
 * reported as committed is intact, queued exactly once for each destination, and that nothing half-written
 * remains. Trials: system property
 * {@code melanoscreen.crashTrials} (default 5).
 */
class CrashSafetyTest {
    private static final int TRIALS = Integer.getInteger("melanoscreen.crashTrials", 5);
    private static final long MAX_RUN_MS = 2500;

    @TempDir
    Path dir;

    @Test
    void killedMidWriteLosesNothingCommittedAndLeavesNothingHalfWritten() throws Exception {
        Path data = dir.resolve("data");
        long seed = Long.getLong("melanoscreen.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        Map<Long, Long> reported = new HashMap<>();
        int killedAfterCommits = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Path log = dir.resolve("child-" + trial + ".log");
            Path out = dir.resolve("child-" + trial + ".out");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                    "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                    data.toString(), Long.toString(trial * 1_000_000L + 1))
                    .redirectOutput(out.toFile()).redirectError(log.toFile()).start();
            awaitReady(child, out, log, trial);
            Thread.sleep(random.nextLong(MAX_RUN_MS));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "writer did not die");
            Map<Long, Long> committed = committedLines(Files.readString(out));
            reported.putAll(committed);
            killedAfterCommits += committed.isEmpty() ? 0 : 1;
            check(data, reported, trial);
        }
        System.out.printf("crash safety: %d trials (-Dmelanoscreen.crashSeed=%d), %d killed after a commit, "
                + "%d committed screenings checked, 0 corrupted or half-stored%n",
                TRIALS, seed, killedAfterCommits, reported.size());
    }

    /** Reopens the store as the next start would and checks everything in it, and everything reported. */
    private static void check(Path data, Map<Long, Long> reported, int trial) throws Exception {
        String at = "after kill " + trial + ": ";
        try (ResultStore store = ResultStore.open(new StoreSettings(data, 0, null, null, "checker"))) {
            assertEquals(List.of(), store.verify(), at + "verify");
            List<StoredScreening> all = store.list(null, Integer.MAX_VALUE);
            for (StoredScreening s : all) {
                assertContent(s, TestRecords.seedOf(s), at);
            }
            for (Map.Entry<Long, Long> r : reported.entrySet()) {
                var s = store.get(r.getKey());
                if (s.isPresent()) {
                    assertEquals(r.getValue(), TestRecords.seedOf(s.get()), at + "screening " + r.getKey());
                } else {
                    assertTrue(CrashWriter.expires(r.getValue()), at + "committed screening " + r.getKey() + " lost");
                }
            }
            assertEquals(List.of(), names(data.resolve(ResultStore.INCOMING)), at + "temporary folders left");
            assertEquals(all.stream().map(s -> s.folder().getFileName().toString()).collect(Collectors.toSet()),
                    Set.copyOf(names(data.resolve(ResultStore.RESULTS))), at + "folders without a committed row");
        }
        byte[] audit = Files.readAllBytes(data.resolve(ResultStore.AUDIT_LOG));
        assertTrue(audit.length == 0 || audit[audit.length - 1] == '\n', at + "unfinished audit line");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(ResultStore.DATABASE));
             Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1), at + "SQLite integrity");
        }
        assertEquals(List.of(), outboxProblems(data), at + "outbox");
    }

    /** Screenings not queued exactly once for each destination, and queued items without a screening. */
    private static List<String> outboxProblems(Path data) throws Exception {
        List<String> problems = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(ResultStore.DATABASE));
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT s.id, group_concat(o.destination) FROM screenings s "
                     + "LEFT JOIN outbox o ON o.screening_id = s.id GROUP BY s.id")) {
            while (rs.next()) {
                List<String> queued = rs.getString(2) == null ? List.of()
                        : Arrays.stream(rs.getString(2).split(",")).sorted().toList();
                if (!queued.equals(CrashWriter.DESTINATIONS.stream().sorted().toList())) {
                    problems.add("screening " + rs.getLong(1) + " queued for " + queued);
                }
            }
            try (ResultSet orphans = st.executeQuery(
                    "SELECT count(*) FROM outbox WHERE screening_id NOT IN (SELECT id FROM screenings)")) {
                if (orphans.getLong(1) > 0) {
                    problems.add(orphans.getLong(1) + " queued item(s) without a screening");
                }
            }
        }
        return problems;
    }

    private static void assertContent(StoredScreening s, long seed, String at) throws IOException {
        ScreeningRecord expected = TestRecords.record(seed, s.time(), CrashWriter.FRAME_BYTES);
        assertEquals(expected.resultJson(), s.resultJson(), at + "screening " + s.id());
        assertEquals(expected.patientRef(), s.patientRef(), at + "screening " + s.id());
        for (Map.Entry<String, byte[]> f : expected.files().entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(s.file(f.getKey())), at + "screening " + s.id());
        }
    }

    /** Only lines ended by a newline: the child may die halfway through printing one. */
    private static Map<Long, Long> committedLines(String output) {
        List<String> lines = new ArrayList<>(Arrays.asList(output.split("\n", -1)));
        lines.remove(lines.size() - 1);
        lines.remove("ready");
        Map<Long, Long> committed = new HashMap<>();
        for (String line : lines) {
            String[] p = line.split(" ");
            committed.put(Long.parseLong(p[1]), Long.parseLong(p[2]));
        }
        return committed;
    }

    private static void awaitReady(Process child, Path out, Path log, int trial) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).startsWith("ready\n")) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                child.destroyForcibly().waitFor();
                fail("trial " + trial + ": writer did not start: " + Files.readString(log));
            }
            Thread.sleep(10);
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
