package org.melanoscreen.outbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.store.StoredScreening;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sender against fake servers, driven round by round by a fake clock. */
class OutboxSenderTest {
    private static final OutboxSettings RETRY = new OutboxSettings(Duration.ofSeconds(30), Duration.ofSeconds(100),
            Path.of("unused"));

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** A server that keeps one copy per screening and counts what it was sent; it can be down or refuse. */
    static class FakeServer implements Destination {
        final String name;
        final Map<String, Integer> received = Collections.synchronizedMap(new HashMap<>());
        final List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
        volatile DeliveryException failure;
        volatile Long refuse;

        FakeServer(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void send(StoredScreening s) throws DeliveryException {
            attempts.add(s.id());
            if (failure != null) {
                throw failure;
            }
            if (Long.valueOf(s.id()).equals(refuse)) {
                throw new DeliveryException("HTTP 400 from " + name + ": no such SOP class", true);
            }
            received.merge(s.deviceId() + "/" + s.id() + "/" + s.time(), 1, Integer::sum);
        }

        @Override
        public void check() {
        }

        int copies() {
            return received.size();
        }
    }

    private ResultStore owner(List<String> destinations) throws Exception {
        ResultStore store = ResultStore.open(StoreSettings.defaults(dir.resolve("data"), "dev-1"));
        store.forwardTo(destinations);
        opened.add(store);
        return store;
    }

    private OutboxSender sender(List<Destination> destinations, Clock c) {
        OutboxSender sender = new OutboxSender(() -> ResultStore.openShared(dir.resolve("data")), destinations, RETRY, c);
        opened.add(sender);
        return sender;
    }

    static ScreeningRecord record(int n) {
        return new ScreeningRecord(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(n), "dev-1", "PAT-" + n, null,
                "LOW", 0.1, "{\"n\": " + n + "}", Map.of("seg", "ab".repeat(32)), "0.1.0-test",
                Map.of("frame.png", new byte[]{(byte) n}));
    }

    @Test
    void everyStoredScreeningReachesEveryDestinationOnceAndIsDone() throws Exception {
        ResultStore store = owner(List.of("pacs", "fhir"));
        FakeServer pacs = new FakeServer("pacs");
        FakeServer fhir = new FakeServer("fhir");
        for (int i = 1; i <= 3; i++) {
            store.save(record(i));
        }
        OutboxSender sender = sender(List.of(pacs, fhir), clock);
        Instant next = sender.runOnce();
        assertEquals(3, pacs.copies());
        assertEquals(3, fhir.copies());
        assertEquals(clock.instant().plus(OutboxSender.POLL), next, "nothing left: the next round is a poll");
        sender.runOnce();
        assertEquals(List.of(1L, 2L, 3L), pacs.attempts, "nothing sent twice");
        for (OutboxStatus s : store.outboxStatus()) {
            assertEquals(3, s.done(), s.destination());
            assertEquals(0, s.depth(), s.destination());
        }
    }

    @Test
    void aServerThatIsDownIsRetriedWithDoublingBackOffUpToTheCapAndGetsEverythingOnceWhenBack() throws Exception {
        ResultStore store = owner(List.of("pacs"));
        FakeServer pacs = new FakeServer("pacs");
        pacs.failure = new DeliveryException("pacs: connection refused", false);
        for (int i = 1; i <= 3; i++) {
            store.save(record(i));
        }
        OutboxSender sender = sender(List.of(pacs), clock);
        Instant start = clock.instant();
        List<Long> triedAt = new ArrayList<>();
        for (int round = 0; round <= 80; round++) {
            int before = pacs.attempts.size();
            sender.runOnce();
            if (pacs.attempts.size() > before) {
                triedAt.add(Duration.between(start, clock.instant()).toSeconds());
            }
            clock.advance(OutboxSender.POLL);
        }
        // waits of 30, 60, then 100 (the cap) seconds
        assertEquals(List.of(0L, 30L, 90L, 190L, 290L, 390L), triedAt);
        assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 1L), pacs.attempts, "only the first item tried while the server is down");
        OutboxStatus down = store.outboxStatus().get(0);
        assertEquals(3, down.pending());
        assertEquals(1, down.retrying());
        assertEquals("pacs: connection refused", down.lastReason());

        pacs.failure = null;
        sender.runOnce();
        assertEquals(6, pacs.attempts.size(), "back, but the back-off is not over yet");
        clock.advance(Duration.ofSeconds(100));
        sender.runOnce();
        assertEquals(Map.of("dev-1/1/2026-12-01T10:00:01Z", 1, "dev-1/2/2026-12-01T10:00:02Z", 1,
                "dev-1/3/2026-12-01T10:00:03Z", 1), pacs.received);
        assertEquals(3, store.outboxStatus().get(0).done());
    }

    @Test
    void aRefusedScreeningIsFailedWithTheServersReasonAndTheOthersGoOn() throws Exception {
        ResultStore store = owner(List.of("pacs"));
        FakeServer pacs = new FakeServer("pacs");
        pacs.refuse = 2L;
        for (int i = 1; i <= 3; i++) {
            store.save(record(i));
        }
        OutboxSender sender = sender(List.of(pacs), clock);
        sender.runOnce();
        clock.advance(Duration.ofHours(2));
        sender.runOnce();
        OutboxStatus s = store.outboxStatus().get(0);
        assertEquals(2, s.done());
        assertEquals(1, s.failed());
        assertEquals(List.of(new OutboxStatus.Failure(2, "HTTP 400 from pacs: no such SOP class")), s.failures());
        assertEquals(List.of(1L, 2L, 3L), pacs.attempts, "a failed item is not retried by itself");

        pacs.refuse = null;
        assertEquals(1, store.outboxRetryNow(clock.instant()));
        sender.runOnce();
        assertEquals(3, store.outboxStatus().get(0).done());
    }

    /** The process dying after the server stored a screening and before the outbox marked it done. */
    static final class SimulatedKill extends Error {
        SimulatedKill() {
            super("killed between the server's success and the done mark");
        }
    }

    @Test
    void aKillBetweenTheServersSuccessAndTheDoneMarkResendsAndTheServerKeepsOneCopy() throws Exception {
        ResultStore store = owner(List.of("pacs"));
        FakeServer pacs = new FakeServer("pacs");
        store.save(record(1));
        Destination dying = TestDestination.of("pacs", sc -> {
            pacs.send(sc);
            throw new SimulatedKill();
        });
        OutboxSender first = sender(List.of(dying), clock);
        assertThrows(SimulatedKill.class, first::runOnce);
        first.close();
        assertEquals(1, store.outboxStatus().get(0).pending(), "still pending after the kill");

        sender(List.of(pacs), clock).runOnce();
        assertEquals(List.of(1L, 1L), pacs.attempts, "sent again after the restart");
        assertEquals(1, pacs.copies(), "one copy at the server");
        assertEquals(1, store.outboxStatus().get(0).done());
    }

    @Test
    void aServerThatHangsNeverDelaysSavingAndCloseStopsTheSenderWithTheItemStillPending() throws Exception {
        ResultStore store = owner(List.of("pacs"));
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Destination hanging = TestDestination.of("pacs", sc -> {
            sending.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new DeliveryException("pacs: interrupted", false, e);
            }
        });
        store.save(record(1));
        OutboxSender sender = sender(List.of(hanging), Clock.systemUTC());
        sender.start();
        assertTrue(sending.await(30, TimeUnit.SECONDS), "the sender took the item");
        long start = System.nanoTime();
        for (int i = 2; i <= 4; i++) {
            store.save(record(i));
        }
        double ms = (System.nanoTime() - start) / 1e6;
        assertTrue(ms < 2000, "3 saves took " + ms + " ms while the server hung");
        sender.close();
        assertTrue(interrupted.await(1, TimeUnit.SECONDS), "close interrupted the send");
        OutboxStatus s = store.outboxStatus().get(0);
        assertEquals(4, s.pending());
        assertEquals(0, s.done());
    }

    @Test
    void theThreadSendsAScreeningAsSoonAsItIsWoken() throws Exception {
        ResultStore store = owner(List.of("pacs"));
        CountDownLatch arrived = new CountDownLatch(2);
        FakeServer pacs = new FakeServer("pacs") {
            @Override
            public void send(StoredScreening s) throws DeliveryException {
                super.send(s);
                arrived.countDown();
            }
        };
        OutboxSender sender = sender(List.of(pacs), Clock.systemUTC());
        store.save(record(1));
        sender.start();
        store.save(record(2));
        sender.wake();
        assertTrue(arrived.await(OutboxSender.POLL.toSeconds() * 2 + 10, TimeUnit.SECONDS), "both sent");
        assertEquals(2, pacs.copies());
    }
}
