package org.melanoscreen.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00.123456789Z");

    @TempDir
    Path dir;

    private StoreSettings settings() {
        return StoreSettings.defaults(dir.resolve("data"), "dev-1");
    }

    /** The sorted names in {@code folder}. */
    static List<String> children(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertStored(ScreeningRecord r, StoredScreening s) throws IOException {
        assertEquals(r.time(), s.time());
        assertEquals(r.deviceId(), s.deviceId());
        assertEquals(r.patientRef(), s.patientRef());
        assertEquals(r.lesionRef(), s.lesionRef());
        assertEquals(r.risk(), s.risk());
        assertEquals(r.melanomaProbability(), s.melanomaProbability());
        assertEquals(r.resultJson(), s.resultJson());
        assertEquals(r.models(), s.models());
        assertEquals(r.softwareVersion(), s.softwareVersion());
        for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(s.file(f.getKey())), f.getKey());
        }
        assertEquals(r.resultJson(), Files.readString(s.file(ScreeningRecord.RESULT_FILE)));
        assertEquals(r.files().size() + 1, s.files().size());
    }

    @Test
    void savedScreeningsComeBackWhole() throws Exception {
        List<ScreeningRecord> records = new ArrayList<>();
        try (ResultStore store = ResultStore.open(settings())) {
            for (int i = 0; i < 4; i++) {
                ScreeningRecord r = TestRecords.record(i, T0.plusSeconds(i));
                records.add(r);
                assertEquals(i + 1, store.save(r));
            }
            assertStored(records.get(2), store.get(3).orElseThrow());
            assertTrue(store.get(99).isEmpty());
            List<StoredScreening> newest = store.list(null, 3);
            assertEquals(List.of(4L, 3L, 2L), newest.stream().map(StoredScreening::id).toList());
            assertEquals(List.of(4L, 3L), store.list(T0.plusSeconds(2), 10).stream().map(StoredScreening::id).toList());
            assertThrows(StoreException.class, () -> store.list(null, 0));
            assertEquals(List.of(), store.verify());
        }
        try (ResultStore store = ResultStore.open(settings())) {
            for (int i = 0; i < records.size(); i++) {
                assertStored(records.get(i), store.get(i + 1).orElseThrow());
            }
        }
    }

    @Test
    void everySaveWritesAResultAuditLine() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            store.save(TestRecords.record(1, T0));
            store.audit("CONFIG", "referral threshold\nchanged");
            assertThrows(StoreException.class, () -> store.audit("config", "x"));
        }
        List<String> lines = Files.readAllLines(dir.resolve("data/audit.log"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).matches("\\S+Z RESULT dev-1 screening 1 LOW p=.* folder=20261127T090000Z-.*"), lines.get(0));
        assertFalse(lines.get(0).contains("patient"), "patient references stay out of the log file");
        assertTrue(lines.get(1).endsWith(" CONFIG dev-1 referral threshold changed"), lines.get(1));
    }

    @Test
    void badRecordsAreRejectedByName() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            ScreeningRecord good = TestRecords.record(1, T0);
            for (String name : List.of("../frame.png", "a/b.png", "a\\b.png", ".hidden", "", "RESULT.JSON")) {
                Map<String, byte[]> files = new HashMap<>(good.files());
                files.put(name, new byte[1]);
                ScreeningRecord bad = new ScreeningRecord(good.time(), good.deviceId(), null, null, good.risk(),
                        null, good.resultJson(), good.models(), good.softwareVersion(), files);
                StoreException e = assertThrows(StoreException.class, () -> store.save(bad), name);
                assertTrue(e.getMessage().contains("file name '" + name + "'"), e.getMessage());
            }
            ScreeningRecord badJson = new ScreeningRecord(good.time(), good.deviceId(), null, null, good.risk(), null,
                    "[1, 2]", good.models(), good.softwareVersion(), good.files());
            assertTrue(assertThrows(StoreException.class, () -> store.save(badJson)).getMessage()
                    .contains("result JSON is not a JSON object"));
            ScreeningRecord badRef = new ScreeningRecord(good.time(), good.deviceId(), "P1\u001dX", null, good.risk(),
                    null, good.resultJson(), good.models(), good.softwareVersion(), good.files());
            assertTrue(assertThrows(StoreException.class, () -> store.save(badRef)).getMessage()
                    .contains("patient reference 'P1?X' contains control characters"));
            assertTrue(store.list(null, 10).isEmpty());
            assertEquals(List.of(), children(dir.resolve("data/results")));
            assertEquals(List.of(), children(dir.resolve("data/incoming")));
        }
    }

    @Test
    void exportRoundTrip() throws Exception {
        List<ScreeningRecord> records = new ArrayList<>();
        Path to = dir.resolve("usb/export-1");
        ExportSummary summary;
        try (ResultStore store = ResultStore.open(settings())) {
            for (int i = 0; i < 3; i++) {
                records.add(TestRecords.record(i, T0.plus(i, ChronoUnit.DAYS)));
                store.save(records.get(i));
            }
            Files.createDirectories(to.getParent());
            summary = store.export(to, T0.plus(1, ChronoUnit.DAYS), true);
            assertThrows(StoreException.class, () -> store.export(to, null, true), "an export is never overwritten");
            assertThrows(StoreException.class, () -> store.export(dir.resolve("data/results/x"), null, true));
        }
        assertEquals(new ExportSummary(to, 2, 8, summary.bytes(), List.of()), summary);
        assertEquals(List.of("2", "3", Exporter.CSV, Exporter.JSON), children(to));
        assertEquals(List.of("export-1"), children(dir.resolve("usb")), "no temporary folder left");

        List<List<String>> csv = Csv.parse(Files.readString(to.resolve(Exporter.CSV)));
        assertEquals(Exporter.CSV_COLUMNS, csv.get(0));
        JsonNode json = org.melanoscreen.json.Json.MAPPER.readTree(to.resolve(Exporter.JSON).toFile());
        assertEquals(2, json.size());
        for (int row = 1; row <= 2; row++) {
            ScreeningRecord r = records.get(row);
            List<String> c = csv.get(row);
            JsonNode j = json.get(row - 1);
            String id = Integer.toString(row + 1);
            assertEquals(List.of(id, r.time().toString(), "dev-1", r.patientRef(),
                    r.lesionRef() == null ? "" : r.lesionRef(), r.risk(),
                    r.melanomaProbability() == null ? "" : r.melanomaProbability().toString(), "0.1.0-test",
                    "cls-v2=" + "cd".repeat(32) + ";seg-v1=" + TestRecords.MODEL_SHA, id,
                    "frame.png;mask.png;overlay.png;result.json"), c);
            assertEquals(Long.parseLong(id), j.get("id").asLong());
            assertEquals(r.time(), Instant.parse(j.get("time").asText()));
            assertEquals(r.patientRef(), j.get("patient_ref").asText());
            assertTrue(r.lesionRef() == null ? j.get("lesion_ref").isNull() : r.lesionRef().equals(j.get("lesion_ref").asText()));
            assertEquals(org.melanoscreen.json.Json.MAPPER.readTree(r.resultJson()), j.get("result"));
            assertEquals(TestRecords.MODEL_SHA, j.get("models").get("seg-v1").asText());
            assertEquals(4, j.get("files").size());
            for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
                assertArrayEquals(f.getValue(), Files.readAllBytes(to.resolve(id).resolve(f.getKey())));
            }
            assertEquals(r.resultJson(), Files.readString(to.resolve(id).resolve(ScreeningRecord.RESULT_FILE)));
        }
    }

    @Test
    void exportLeavesOutATamperedFileAndNamesIt() throws Exception {
        Path to = dir.resolve("usb/export");
        Files.createDirectories(to.getParent());
        ExportSummary summary;
        try (ResultStore store = ResultStore.open(settings())) {
            store.save(TestRecords.record(1, T0));
            Files.write(store.get(1).orElseThrow().file("mask.png"), new byte[]{1, 2, 3});
            summary = store.export(to, null, true);
        }
        String problem = "screening 1: mask.png differs from what was stored (SHA-256 mismatch); not exported";
        assertEquals(List.of(problem), summary.problems());
        assertEquals(List.of(problem), Files.readAllLines(to.resolve(Exporter.PROBLEMS)));
        assertEquals(List.of("frame.png", "overlay.png", "result.json"), children(to.resolve("1")));
        assertEquals("frame.png;overlay.png;result.json", Csv.parse(Files.readString(to.resolve(Exporter.CSV)))
                .get(1).get(Exporter.CSV_COLUMNS.indexOf("files")));
    }

    @Test
    void retentionDeletesByAgeThenByCount() throws Exception {
        Instant now = Instant.now();
        StoreSettings s = new StoreSettings(dir.resolve("data"), 0, Duration.ofDays(30), 3, "dev-1");
        try (ResultStore store = ResultStore.open(s)) {
            store.save(TestRecords.record(1, now.minus(40, ChronoUnit.DAYS)));
            store.save(TestRecords.record(2, now.minus(31, ChronoUnit.DAYS)));
            for (int i = 3; i <= 7; i++) {
                store.save(TestRecords.record(i, now.minus(10 - i, ChronoUnit.DAYS)));
            }
            String oldest = store.get(1).orElseThrow().folder().getFileName().toString();
            assertEquals(4, store.applyRetention());
            assertEquals(List.of(7L, 6L, 5L), store.list(null, 100).stream().map(StoredScreening::id).toList());
            assertEquals(3, children(dir.resolve("data/results")).size());
            assertFalse(children(dir.resolve("data/results")).contains(oldest));
            assertEquals(0, store.applyRetention());
            assertEquals(List.of(), store.verify());
            assertEquals(8, store.save(TestRecords.record(8, now)), "ids are not reused");
        }
        String log = Files.readString(dir.resolve("data/audit.log"));
        assertTrue(log.contains(" RETENTION dev-1 deleted 4 screening(s) (ids 1, 2, 3, 4)"), log);
    }

    @Test
    void halfWrittenLeftoversAreCleanedAtOpen() throws Exception {
        Path data = dir.resolve("data");
        try (ResultStore store = ResultStore.open(settings())) {
            store.save(TestRecords.record(1, T0));
        }
        // a crash while writing files, and a crash between the rename and the commit
        Files.createDirectories(data.resolve("incoming/20261127T090000Z-aaaaaaaaaaaa"));
        Files.write(data.resolve("incoming/20261127T090000Z-aaaaaaaaaaaa/frame.png"), new byte[10]);
        Files.createDirectories(data.resolve("results/20261127T090001Z-bbbbbbbbbbbb"));
        Files.write(data.resolve("results/20261127T090001Z-bbbbbbbbbbbb/result.json"), new byte[10]);
        Files.writeString(data.resolve("audit.log"), "2026-11-27T09:00:02Z RESULT dev-1 screen", StandardOpenOption.APPEND);
        try (ResultStore store = ResultStore.open(settings())) {
            assertEquals(List.of(), children(data.resolve("incoming")));
            assertEquals(List.of(store.get(1).orElseThrow().folder().getFileName().toString()),
                    children(data.resolve("results")));
            assertEquals(List.of(), store.verify());
        }
        List<String> log = Files.readAllLines(data.resolve("audit.log"));
        assertEquals(2, log.size(), "the unfinished line is cut: " + log);
        assertTrue(log.get(1).contains(" CLEANUP dev-1 removed 2 half-written leftover(s): incoming/20261127T090000Z-aaaa"),
                log.get(1));
    }

    @Test
    void verifyFindsMissingChangedAndUnexpectedFiles() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            store.save(TestRecords.record(1, T0));
            store.save(TestRecords.record(2, T0));
            store.save(TestRecords.record(3, T0));
            StoredScreening one = store.get(1).orElseThrow();
            byte[] frame = Files.readAllBytes(one.file("frame.png"));
            frame[100] ^= 1;
            Files.write(one.file("frame.png"), frame);
            Files.delete(one.file("mask.png"));
            Files.write(one.file("extra.txt"), new byte[1]);
            DurableFiles.deleteTree(store.get(3).orElseThrow().folder());
            assertEquals(List.of(
                    "screening 1: frame.png differs from what was stored (SHA-256 mismatch)",
                    "screening 1: mask.png missing",
                    "screening 1: extra.txt was not stored with the screening",
                    "screening 3: folder " + store.get(3).orElseThrow().folder() + " missing"), store.verify());
        }
    }

    @Test
    void aFailedSaveLeavesEarlierResultsIntactAndNothingBehind() throws Exception {
        Path data = dir.resolve("data");
        try (ResultStore store = ResultStore.open(settings())) {
            ScreeningRecord first = TestRecords.record(1, T0);
            store.save(first);

            // the files cannot be written (as with a full disk or a read-only folder)
            DurableFiles.deleteTree(data.resolve("incoming"));
            Files.write(data.resolve("incoming"), new byte[0]);
            StoreException e = assertThrows(StoreException.class, () -> store.save(TestRecords.record(2, T0)));
            assertTrue(e.getMessage().contains("files cannot be written") && e.getMessage().endsWith("nothing was stored"),
                    e.getMessage());
            Files.delete(data.resolve("incoming"));
            Files.createDirectory(data.resolve("incoming"));

            // the files are in place but the row cannot be committed: another process holds the write lock
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("results.db"));
                 Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
                e = assertThrows(StoreException.class, () -> store.save(TestRecords.record(3, T0)));
                assertTrue(e.getMessage().contains("cannot be indexed"), e.getMessage());
                st.execute("ROLLBACK");
            }
            assertEquals(1, store.list(null, 10).size());
            assertStored(first, store.get(1).orElseThrow());
            assertEquals(List.of(), store.verify());
            assertEquals(List.of(store.get(1).orElseThrow().folder().getFileName().toString()),
                    children(data.resolve("results")));
            assertEquals(List.of(), children(data.resolve("incoming")));
            assertEquals(2, store.save(TestRecords.record(4, T0)), "the store still works");
        }
    }

    @Test
    void oneOwnerAtATimeButSharedReadersAlongside() throws Exception {
        try (ResultStore owner = ResultStore.open(settings())) {
            owner.save(TestRecords.record(1, T0));
            StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(settings()));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            try (ResultStore reader = ResultStore.openShared(dir.resolve("data"))) {
                assertEquals(1, reader.list(null, 10).size());
                assertTrue(assertThrows(StoreException.class, () -> reader.save(TestRecords.record(2, T0)))
                        .getMessage().contains("opened shared"));
                reader.audit("EXPORT", "by a technician");
                owner.save(TestRecords.record(3, T0));
                assertEquals(2, reader.list(null, 10).size(), "a reader sees later commits");
            }
        }
        assertTrue(Files.readString(dir.resolve("data/audit.log")).contains(" EXPORT dev-1 by a technician"));
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.openShared(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("no results store here"), e.getMessage());
    }

    @Test
    void badSettingsAreRejectedByName() {
        StoreException e = assertThrows(StoreException.class,
                () -> ResultStore.open(new StoreSettings(dir, -1, null, null, "dev-1")));
        assertTrue(e.getMessage().contains("free-space floor -1 is negative"), e.getMessage());
        e = assertThrows(StoreException.class, () -> ResultStore.open(StoreSettings.defaults(dir, "dev 1")));
        assertTrue(e.getMessage().contains("device id 'dev 1'"), e.getMessage());
    }

    @Test
    void freeSpaceFloor() throws Exception {
        try (ResultStore store = ResultStore.open(new StoreSettings(dir.resolve("a"), 0, null, null, "dev-1"))) {
            assertTrue(store.freeBytes() > 0);
            assertFalse(store.belowFreeSpaceFloor());
        }
        try (ResultStore store = ResultStore.open(new StoreSettings(dir.resolve("b"), Long.MAX_VALUE, null, null, "d"))) {
            assertTrue(store.belowFreeSpaceFloor());
        }
    }

    @Test
    void aNullProbabilityStaysNull() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            long id = store.save(TestRecords.record(3, T0));
            assertNull(store.get(id).orElseThrow().melanomaProbability());
            assertTrue(store.get(id).orElseThrow().toJson().get("melanoma_probability").isNull());
        }
    }
}
