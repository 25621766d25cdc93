package org.melanoscreen.workflow;

import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.tinylog.Logger;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Retention and the index's integrity check, started from here alone: retention each time the store is opened
 * (opening has just checked the index), both again once a day while READY.
 */
final class StoreUpkeep {
    static final long EVERY_NANOS = TimeUnit.HOURS.toNanos(24);

    private final LongSupplier clock;
    private long lastNanos;

    StoreUpkeep(LongSupplier clock) {
        this.clock = clock;
        this.lastNanos = clock.getAsLong();
    }

    void opened(ResultStore store) throws StoreException {
        lastNanos = clock.getAsLong();
        applyRetention(store);
    }

    boolean due() {
        return clock.getAsLong() - lastNanos >= EVERY_NANOS;
    }

    /** The daily check; a damaged index is a {@link org.melanoscreen.store.StoreDamagedException}. */
    void daily(ResultStore store) throws StoreException {
        lastNanos = clock.getAsLong();
        store.checkIntegrity();
        applyRetention(store);
    }

    private static void applyRetention(ResultStore store) throws StoreException {
        int removed = store.applyRetention();
        if (removed > 0) {
            Logger.info("Retention removed {} old results", removed);
        }
    }
}
