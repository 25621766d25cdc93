package org.melanoscreen.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the store does when its disk, its index or an export target is not what it should be. */
class StoreSafetyTest {
    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");
    private static final int SCREENINGS = 60;

    @TempDir
    Path dir;

    private StoreSettings settings() {
        return StoreSettings.defaults(dir.resolve("data"), "dev-1");
    }

    /** A disk with {@code free} bytes left (or none), as the store's writes see it. */
    private static final class Disk implements WriteHook {
        volatile long free = Long.MAX_VALUE;

        @Override
        public void beforeWrite(Path file, long bytes) throws IOException {
            if (bytes > free) {
                throw new FileSystemException(file.toString(), null, "No space left on device");
            }
        }
    }

    @Test
    void theWriteProbeFailsWithTheDisksReasonAndLeavesNothing() throws Exception {
        Disk disk = new Disk();
        try (ResultStore store = ResultStore.open(settings(), disk)) {
            store.proveWritable();
            disk.free = 0;
            StoreException e = assertThrows(StoreException.class, store::proveWritable);
            assertEquals("data folder " + dir.resolve("data") + ": not writable (No space left on device); results "
                    + "cannot be stored", e.getMessage());
            disk.free = Long.MAX_VALUE;
            store.proveWritable();
            assertEquals(List.of(), ResultStoreTest.children(dir.resolve("data/incoming")));
        }
        try (ResultStore shared = ResultStore.openShared(dir.resolve("data"))) {
            assertTrue(assertThrows(StoreException.class, shared::proveWritable).getMessage().contains("opened shared"));
        }
    }

    @Test
    void afterASaveFailedForSpaceTheProbeMustProveAsManyBytes() throws Exception {
        Disk disk = new Disk();
        try (ResultStore store = ResultStore.open(settings(), disk)) {
            disk.free = 10_000;
            store.proveWritable();
            StoreException e = assertThrows(StoreException.class, () -> store.save(TestRecords.record(1, T0)));
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().endsWith("nothing was stored"),
                    e.getMessage());
            assertThrows(StoreException.class, store::proveWritable, "a block fits, the failed screening does not");
            disk.free = Long.MAX_VALUE;
            store.proveWritable();
            store.save(TestRecords.record(2, T0));
            disk.free = 10_000;
            store.proveWritable();
            assertEquals(1, store.list(null, 10).size());
            assertEquals(List.of(), ResultStoreTest.children(dir.resolve("data/incoming")));
        }
    }

    @Test
    void anExportGoesOnlyIntoAnExistingFolderOnAnotherDiskUnlessTheSameDiskIsAskedFor() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            store.save(TestRecords.record(1, T0));
            Path typo = dir.resolve("media/usbstick/export");
            StoreException e = assertThrows(StoreException.class, () -> store.export(typo, null, true));
            assertTrue(e.getMessage().contains(dir.resolve("media/usbstick") + " does not exist or is not a folder "
                    + "(is the USB stick mounted?)"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("media")), "nothing created on the internal disk");

            Files.createDirectories(dir.resolve("media/usbstick"));
            e = assertThrows(StoreException.class, () -> store.export(typo, null, false));
            assertTrue(e.getMessage().contains("on the same disk as the data folder")
                    && e.getMessage().contains("--same-disk"), e.getMessage());
            assertEquals(List.of(), ResultStoreTest.children(dir.resolve("media/usbstick")));

            assertEquals(1, store.export(typo, null, true).screenings(), "a same-disk export when asked for");

            Path otherDisk = Path.of("/dev/shm");
            assumeTrue(Files.isDirectory(otherDisk) && Files.isWritable(otherDisk)
                    && !Files.getFileStore(otherDisk).equals(Files.getFileStore(dir)), "no second file system here");
            Path stick = Files.createTempDirectory(otherDisk, "melanoscreen-export-test");
            try {
                assertEquals(1, store.export(stick.resolve("export"), null, false).screenings());
            } finally {
                DurableFiles.deleteTree(stick);
            }
        }
    }

    /** A store of {@link #SCREENINGS} screenings whose index has garbage over the page that holds seed 30's row. */
    private void damagedStore() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            for (int i = 1; i <= SCREENINGS; i++) {
                store.save(TestRecords.record(i, T0.plus(i, ChronoUnit.MINUTES), 2000));
            }
        }
        IndexDamage.overwritePageHolding(dir.resolve("data/results.db"), "{\"seed\": 30,");
    }

    @Test
    void aDamagedIndexIsRefusedForWritingAndReportedByVerify() throws Exception {
        damagedStore();
        StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> ResultStore.open(settings()));
        assertTrue(e.getMessage().startsWith(dir.resolve("data/results.db") + ": damaged, the integrity check found: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing more is written to it; export what can still be read (melanoscreen "
                + "results export --to DIR), then move the data folder aside so that a new one is created"), e.getMessage());
        try (ResultStore shared = ResultStore.openShared(dir.resolve("data"))) {
            List<String> problems = shared.verify();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("damaged"), problems.get(0));
        }
    }

    @Test
    void anExportFromADamagedIndexSalvagesEveryReadableRowAndFileAndNamesTheRest() throws Exception {
        damagedStore();
        Path to = dir.resolve("usb/export");
        Files.createDirectories(to.getParent());
        ExportSummary summary;
        try (ResultStore shared = ResultStore.openShared(dir.resolve("data"))) {
            summary = shared.export(to, null, true);
        }
        List<Long> exported = new ArrayList<>();
        for (String name : ResultStoreTest.children(to)) {
            if (name.matches("\\d+")) {
                exported.add(Long.parseLong(name));
            }
        }
        assertEquals(summary.screenings(), exported.size());
        int lost = SCREENINGS - exported.size();
        assertTrue(lost >= 1 && lost < SCREENINGS / 2, "rows lost with one page: " + lost);
        assertFalse(exported.contains(30L), "seed 30's row was on the damaged page");
        for (long id : exported) {
            ScreeningRecord r = TestRecords.record(id, T0.plus(id, ChronoUnit.MINUTES), 2000);
            for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
                assertArrayEquals(f.getValue(), Files.readAllBytes(to.resolve(id + "/" + f.getKey())), id + " " + f.getKey());
            }
        }
        List<String> problems = summary.problems();
        for (long id = 1; id <= SCREENINGS; id++) {
            if (!exported.contains(id)) {
                String unreadable = "screening " + id + ": cannot be read from results.db (";
                assertTrue(problems.stream().anyMatch(p -> p.startsWith(unreadable)), id + " not named: " + problems);
            }
        }
        List<String> unindexed = ResultStoreTest.children(to.resolve(Exporter.UNINDEXED));
        assertEquals(lost, unindexed.size(), "the folders of the unreadable rows, copied unchecked");
        for (String folder : unindexed) {
            String json = Files.readString(to.resolve(Exporter.UNINDEXED).resolve(folder).resolve(ScreeningRecord.RESULT_FILE));
            long seed = Long.parseLong(json.replaceAll("^\\{\"seed\": (\\d+),.*$", "$1"));
            assertFalse(exported.contains(seed), folder);
            assertTrue(problems.contains("results/" + folder + ": no readable row in the index; its files were "
                    + "exported unchecked to unindexed/" + folder), problems.toString());
        }
        assertEquals(problems, Files.readAllLines(to.resolve(Exporter.PROBLEMS)));
        String exportLine = Files.readAllLines(dir.resolve("data/audit.log")).stream()
                .filter(l -> l.contains(" EXPORT ")).findFirst().orElseThrow();
        assertTrue(exportLine.endsWith("; the index is damaged, so this line is in audit.log only"), exportLine);
    }
}
