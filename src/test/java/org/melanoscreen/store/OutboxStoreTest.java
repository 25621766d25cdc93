package org.melanoscreen.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox in the results store: queued with the screening, its states, its counts, its migration. */
class OutboxStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @TempDir
    Path dir;

    private StoreSettings settings() {
        return StoreSettings.defaults(dir.resolve("data"), "dev-1");
    }

    @Test
    void aScreeningIsQueuedForEachDestinationConfiguredWhenItIsSavedAndNotBefore() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            long before = store.save(TestRecords.record(1, T0));
            store.forwardTo(List.of("pacs", "fhir", "pacs"));
            long after = store.save(TestRecords.record(2, T0));
            Instant now = Instant.now().plusSeconds(1);
            assertEquals(List.of(after), ids(store.outboxDue("pacs", now, 10)));
            assertEquals(List.of(after), ids(store.outboxDue("fhir", now, 10)));
            assertEquals(List.of(), ids(store.outboxDue("mqtt", now, 10)));
            assertTrue(before < after);
            assertEquals(List.of("fhir", "pacs"), store.outboxStatus().stream().map(OutboxStatus::destination).toList());
        }
    }

    @Test
    void enqueueAllQueuesOnlyTheScreeningsNotYetQueuedForThatDestination() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            long before = store.save(TestRecords.record(1, T0));
            store.forwardTo(List.of("pacs"));
            long after = store.save(TestRecords.record(2, T0));
            try (ResultStore shared = ResultStore.openShared(store.dataFolder())) {
                assertEquals(1, shared.outboxEnqueueAll("pacs", Instant.now()));
                assertEquals(0, shared.outboxEnqueueAll("pacs", Instant.now()), "nothing queued twice");
            }
            assertEquals(List.of(before, after), ids(store.outboxDue("pacs", Instant.now().plusSeconds(1), 10)));
            assertTrue(Files.readString(store.dataFolder().resolve(ResultStore.AUDIT_LOG))
                    .contains("1 stored screening(s) queued for pacs (results sync --enqueue-all)"));
        }
    }

    @Test
    void aFailedItemWaitsOutItsBackOffAFailedOneKeepsTheServersReasonADoneOneIsNeverDueAgain() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            store.forwardTo(List.of("pacs"));
            long a = store.save(TestRecords.record(1, T0));
            long b = store.save(TestRecords.record(2, T0));
            long c = store.save(TestRecords.record(3, T0));
            Instant now = Instant.now();
            List<OutboxItem> due = store.outboxDue("pacs", now, 10);
            assertEquals(List.of(a, b, c), ids(due));

            store.outboxRetryLater(due.get(0), "HTTP 503 from pacs: busy", now.plusSeconds(30), now);
            store.outboxFailed(due.get(1), "HTTP 400 from pacs: bad dataset", now);
            store.outboxDelivered(due.get(2), now);
            assertEquals(List.of(), ids(store.outboxDue("pacs", now.plusSeconds(29), 10)));
            List<OutboxItem> later = store.outboxDue("pacs", now.plusSeconds(30), 10);
            assertEquals(List.of(a), ids(later));
            assertEquals(1, later.get(0).attempts());
            assertEquals(now.plusSeconds(30), store.outboxNextAttempt("pacs").orElseThrow());

            OutboxStatus s = store.outboxStatus().get(0);
            assertEquals(1, s.pending());
            assertEquals(1, s.retrying());
            assertEquals(1, s.failed());
            assertEquals(1, s.done());
            assertEquals(2, s.depth());
            assertEquals("HTTP 503 from pacs: busy", s.lastReason());
            assertEquals(List.of(new OutboxStatus.Failure(b, "HTTP 400 from pacs: bad dataset")), s.failures());
            assertTrue(Files.readString(store.dataFolder().resolve(ResultStore.AUDIT_LOG))
                    .contains("OUTBOX dev-1 screening " + b + " to pacs failed: HTTP 400 from pacs: bad dataset"));

            // a done item stays done even if a late answer of an older attempt arrives
            store.outboxFailed(due.get(2), "late", now);
            assertEquals(1, store.outboxStatus().get(0).done());

            assertEquals(2, store.outboxRetryNow(now));
            assertEquals(List.of(a, b), ids(store.outboxDue("pacs", now, 10)));
            assertEquals(0, store.outboxDue("pacs", now, 10).get(0).attempts());
            assertNull(store.outboxStatus().get(0).lastReason());
        }
    }

    @Test
    void theOldestPendingItemsAgeIsWhenItsScreeningWasStored() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            store.forwardTo(List.of("pacs"));
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            store.save(TestRecords.record(1, T0));
            store.save(TestRecords.record(2, T0));
            OutboxStatus s = store.outboxStatus().get(0);
            assertTrue(!s.oldestPending().isBefore(before), s.oldestPending() + " before " + before);
            Duration age = s.oldestPendingAge(s.oldestPending().plusSeconds(90));
            assertEquals(Duration.ofSeconds(90), age);
            store.outboxDue("pacs", Instant.now(), 10).forEach(i -> deliver(store, i));
            assertNull(store.outboxStatus().get(0).oldestPending());
            assertEquals(0, store.outboxStatus().get(0).depth());
        }
    }

    @Test
    void retentionTakesTheQueuedItemsOfTheScreeningsItDeletes() throws Exception {
        StoreSettings s = new StoreSettings(dir.resolve("data"), 0, null, 1, "dev-1");
        try (ResultStore store = ResultStore.open(s)) {
            store.forwardTo(List.of("pacs"));
            store.save(TestRecords.record(1, T0));
            long kept = store.save(TestRecords.record(2, T0.plusSeconds(1)));
            assertEquals(1, store.applyRetention());
            assertEquals(List.of(kept), ids(store.outboxDue("pacs", Instant.now(), 10)));
        }
    }

    @Test
    void aSharedOpenerMarksItemsWhileTheOwnerSaves() throws Exception {
        try (ResultStore owner = ResultStore.open(settings())) {
            owner.forwardTo(List.of("pacs"));
            owner.save(TestRecords.record(1, T0));
            try (ResultStore sender = ResultStore.openShared(owner.dataFolder())) {
                OutboxItem item = sender.outboxDue("pacs", Instant.now(), 10).get(0);
                owner.save(TestRecords.record(2, T0));
                sender.outboxDelivered(item, Instant.now());
                assertEquals(1, owner.outboxStatus().get(0).done());
                assertEquals(1, owner.outboxStatus().get(0).pending());
            }
        }
    }

    @Test
    void aDestinationNameThatCouldNotBeAKeyIsRefused() throws Exception {
        try (ResultStore store = ResultStore.open(settings())) {
            StoreException e = assertThrows(StoreException.class, () -> store.forwardTo(List.of("Pacs server")));
            assertTrue(e.getMessage().contains("'Pacs server'"), e.getMessage());
        }
    }

    @Test
    void anIndexOfSchemaVersion1GetsTheOutboxAndKeepsItsScreenings() throws Exception {
        long id;
        try (ResultStore store = ResultStore.open(settings())) {
            id = store.save(TestRecords.record(1, T0));
        }
        Path db = dir.resolve("data").resolve(ResultStore.DATABASE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.executeUpdate("DROP TABLE outbox");
            st.executeUpdate("PRAGMA user_version = 1");
        }
        StoreException old = assertThrows(StoreException.class, () -> ResultStore.openShared(dir.resolve("data")));
        assertTrue(old.getMessage().contains("schema version 1, this software reads 2"), old.getMessage());
        try (ResultStore store = ResultStore.open(settings())) {
            assertEquals(1, store.list(null, 10).size());
            assertEquals(id, store.list(null, 10).get(0).id());
            store.forwardTo(List.of("pacs"));
            long next = store.save(TestRecords.record(2, T0));
            assertEquals(List.of(next), ids(store.outboxDue("pacs", Instant.now(), 10)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            assertEquals(2, rs.getInt(1));
        }
    }

    private static void deliver(ResultStore store, OutboxItem item) {
        try {
            store.outboxDelivered(item, Instant.now());
        } catch (StoreException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> ids(List<OutboxItem> items) {
        return items.stream().map(OutboxItem::screeningId).toList();
    }
}
