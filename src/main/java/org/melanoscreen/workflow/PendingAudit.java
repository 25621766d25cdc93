package org.melanoscreen.workflow;

import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.tinylog.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Audit lines raised while the store cannot be written: kept (up to {@value #MAX}; beyond that only their count)
 * and written with their own times, marked "recorded late", as soon as it can be.
 */
final class PendingAudit {
    static final int MAX = 1000;

    private record Line(Instant time, String kind, String message) {
    }

    private final List<Line> lines = new ArrayList<>();
    private int dropped;

    /** Audits now into {@code store} (null: not open), or keeps the line for later. */
    void audit(ResultStore store, Instant time, String kind, String message) {
        if (store != null && flush(store)) {
            try {
                store.audit(time, kind, message);
                return;
            } catch (StoreException e) {
                Logger.warn("Audit line kept until the store works: {}", e.getMessage());
            }
        }
        if (lines.size() < MAX) {
            lines.add(new Line(time, kind, message));
        } else {
            dropped++;
        }
    }

    /** Writes the kept lines; true when none is left. */
    boolean flush(ResultStore store) {
        try {
            while (!lines.isEmpty()) {
                Line l = lines.get(0);
                store.audit(l.time(), l.kind(), l.message() + " (recorded late: the store was unavailable)");
                lines.remove(0);
            }
            if (dropped > 0) {
                store.audit("FAULT", dropped + " more audit line(s) lost while the store was unavailable");
                dropped = 0;
            }
            return true;
        } catch (StoreException e) {
            Logger.warn("{} audit line(s) kept until the store works: {}", lines.size(), e.getMessage());
            return false;
        }
    }
}
