package org.melanoscreen.outbox;

import org.melanoscreen.store.OutboxItem;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoredScreening;
import org.tinylog.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends the outbox's pending items to their destinations on one background thread, over its own connection to
 * the results store (opened shared, so the service's store lock is never held while a server answers, and a
 * server that hangs delays only the sender). An item is marked done only when {@link Destination#send} returned;
 * a refusal of the content ({@link DeliveryException#permanent()}) marks it failed with the server's reason; any
 * other failure (server down, 5xx, timeout) reschedules it with back-off and pauses that destination until then,
 * so a server that is down is not hammered with every item in turn.
 *
 * <p>A round ({@link #runOnce}) is driven by the injected clock, so tests run it without sleeping; the thread
 * ({@link #start}) runs rounds until {@link #close}, waiting between them until the next item is due, at most
 * {@link #POLL}, or until {@link #wake} (a new screening).
 */
public final class OutboxSender implements AutoCloseable {
    /** Longest wait between rounds: how soon a screening stored by another process is seen. */
    static final Duration POLL = Duration.ofSeconds(5);
    /** Items sent to one destination per round before the others get their turn. */
    private static final int BATCH = 20;

    /** Opens the sender's own connection to the results store. */
    @FunctionalInterface
    public interface StoreOpener {
        ResultStore open() throws StoreException;
    }

    private final StoreOpener opener;
    private final List<Destination> destinations;
    private final OutboxSettings settings;
    private final Clock clock;
    private final Map<String, Instant> pausedUntil = new HashMap<>();
    private final Object signal = new Object();
    private ResultStore store;
    private String storeProblem;
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public OutboxSender(StoreOpener opener, List<Destination> destinations, OutboxSettings settings, Clock clock) {
        this.opener = opener;
        this.destinations = List.copyOf(destinations);
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts the sender's thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("outbox sender already started");
        }
        running = true;
        thread = new Thread(this::loop, "outbox-sender");
        thread.setDaemon(true);
        thread.start();
    }

    /** Makes the thread start a round now (a screening was just stored). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * One round: every destination that is not paused gets up to {@value #BATCH} of its due items.
     *
     * @return when the next round should run
     */
    public Instant runOnce() {
        Instant now = clock.instant();
        if (!openStore()) {
            return now.plus(POLL);
        }
        Instant next = now.plus(POLL);
        try {
            for (Destination d : destinations) {
                Instant resume = sendDue(d);
                if (resume.isBefore(next)) {
                    next = resume;
                }
            }
        } catch (StoreException e) {
            Logger.warn("Outbox: the results store failed ({}); trying again in {} s", e.getMessage(),
                    POLL.toSeconds());
            closeStore();
            return clock.instant().plus(POLL);
        }
        return next;
    }

    /** Sends {@code d}'s due items until one fails for a reason that may pass; when {@code d} is due again. */
    private Instant sendDue(Destination d) throws StoreException {
        Instant paused = pausedUntil.get(d.name());
        if (paused != null && clock.instant().isBefore(paused)) {
            return paused;
        }
        pausedUntil.remove(d.name());
        for (OutboxItem item : store.outboxDue(d.name(), clock.instant(), BATCH)) {
            Optional<StoredScreening> screening = store.get(item.screeningId());
            if (screening.isEmpty()) {
                continue; // deleted by retention since it was listed
            }
            DeliveryException failure;
            try {
                d.send(screening.get());
                store.outboxDelivered(item, clock.instant());
                continue;
            } catch (DeliveryException e) {
                failure = e;
            } catch (RuntimeException e) {
                Logger.error(e, "Outbox: sending screening {} to {} failed", item.screeningId(), d.name());
                failure = new DeliveryException(d.name() + ": " + e, false, e);
            }
            Instant now = clock.instant();
            if (failure.permanent()) {
                Logger.warn("Outbox: {} refused screening {}: {}", d.name(), item.screeningId(), failure.getMessage());
                store.outboxFailed(item, failure.getMessage(), now);
                continue;
            }
            Duration wait = settings.delayAfter(item.attempts() + 1);
            Logger.info("Outbox: {} did not take screening {} ({}); next try in {} s", d.name(), item.screeningId(),
                    failure.getMessage(), wait.toSeconds());
            store.outboxRetryLater(item, failure.getMessage(), now.plus(wait), now);
            pausedUntil.put(d.name(), now.plus(wait));
            return now.plus(wait);
        }
        return store.outboxNextAttempt(d.name()).orElse(Instant.MAX);
    }

    private boolean openStore() {
        if (store != null) {
            return true;
        }
        try {
            store = opener.open();
            storeProblem = null;
            return true;
        } catch (StoreException e) {
            if (!e.getMessage().equals(storeProblem)) {
                Logger.warn("Outbox: the results store cannot be opened yet ({}); trying every {} s", e.getMessage(),
                        POLL.toSeconds());
                storeProblem = e.getMessage();
            }
            return false;
        }
    }

    private void loop() {
        while (running) {
            Instant next;
            try {
                next = runOnce();
            } catch (RuntimeException e) {
                Logger.error(e, "Outbox: round failed; trying again in {} s", POLL.toSeconds());
                next = clock.instant().plus(POLL);
            }
            long waitMs = Math.min(POLL.toMillis(), Math.max(0, Duration.between(clock.instant(), next).toMillis()));
            synchronized (signal) {
                try {
                    if (!woken && running && waitMs > 0) {
                        signal.wait(waitMs);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    woken = false;
                }
            }
        }
    }

    /** Stops the thread (interrupting a send in progress, which stays pending) and closes its store connection. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeStore();
    }

    private void closeStore() {
        if (store != null) {
            try {
                store.close();
            } catch (StoreException e) {
                Logger.warn("Outbox: closing its store connection failed: {}", e.getMessage());
            }
            store = null;
        }
    }
}
