package org.melanoscreen.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox table: one row per (screening, destination), inserted in the transaction that commits the screening,
 * so a crash at any moment neither loses a queued item nor queues one twice. A row is {@code pending} (due at
 * {@code next_attempt}), {@code failed} (the server refused it; {@code last_reason} says why) or {@code done}. Rows
 * go with their screening (retention).
 */
final class Outbox {
    static final String PENDING = "pending";
    static final String FAILED = "failed";
    static final String DONE = "done";
    /** The failures {@code results sync} names per destination. */
    private static final int FAILURES_LISTED = 20;

    private final Connection db;

    Outbox(Connection db) {
        this.db = db;
    }

    static void createTable(Statement st) throws SQLException {
        st.executeUpdate("""
                CREATE TABLE outbox (
                    screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,
                    destination TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'done')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    queued_time TEXT NOT NULL,
                    next_attempt TEXT NOT NULL,
                    last_reason TEXT,
                    done_time TEXT,
                    PRIMARY KEY (screening_id, destination))""");
        st.executeUpdate("CREATE INDEX outbox_due ON outbox (destination, state, next_attempt)");
    }

    /** Queues screening {@code id} for each destination; part of the caller's transaction. */
    void enqueue(long id, Collection<String> destinations, Instant now) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO outbox (screening_id, destination, state, "
                + "queued_time, next_attempt) VALUES (?, ?, 'pending', ?, ?)")) {
            for (String d : destinations) {
                st.setLong(1, id);
                st.setString(2, d);
                st.setString(3, StoreTime.format(now));
                st.setString(4, StoreTime.format(now));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** Queues for {@code destination} every screening not queued for it yet; how many. */
    int enqueueAll(String destination, Instant now) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO outbox (screening_id, destination, state, "
                + "queued_time, next_attempt) SELECT id, ?, 'pending', ?, ? FROM screenings WHERE id NOT IN "
                + "(SELECT screening_id FROM outbox WHERE destination = ?)")) {
            st.setString(1, destination);
            st.setString(2, StoreTime.format(now));
            st.setString(3, StoreTime.format(now));
            st.setString(4, destination);
            return st.executeUpdate();
        }
    }

    /** Pending items of {@code destination} due at {@code now}, oldest screening first. */
    List<OutboxItem> due(String destination, Instant now, int limit) throws SQLException {
        List<OutboxItem> due = new ArrayList<>();
        try (PreparedStatement st = db.prepareStatement("SELECT screening_id, attempts, queued_time FROM outbox "
                + "WHERE destination = ? AND state = 'pending' AND next_attempt <= ? ORDER BY screening_id LIMIT ?")) {
            st.setString(1, destination);
            st.setString(2, StoreTime.format(now));
            st.setInt(3, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    due.add(new OutboxItem(rs.getLong(1), destination, rs.getInt(2), StoreTime.parse(rs.getString(3))));
                }
            }
        }
        return due;
    }

    /** The earliest next attempt of a pending item of {@code destination}, or null when none is pending. */
    Instant nextAttempt(String destination) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(
                "SELECT min(next_attempt) FROM outbox WHERE destination = ? AND state = 'pending'")) {
            st.setString(1, destination);
            try (ResultSet rs = st.executeQuery()) {
                String t = rs.next() ? rs.getString(1) : null;
                return t == null ? null : StoreTime.parse(t);
            }
        }
    }

    /** Sets the outcome of an attempt; false when the item is gone (its screening deleted by retention). */
    boolean record(OutboxItem item, String state, String reason, Instant next, Instant now) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("UPDATE outbox SET state = ?, attempts = attempts + 1, "
                + "last_reason = ?, next_attempt = ?, done_time = ? WHERE screening_id = ? AND destination = ? "
                + "AND state = 'pending'")) {
            st.setString(1, state);
            st.setString(2, reason);
            st.setString(3, StoreTime.format(next));
            st.setString(4, state.equals(DONE) ? StoreTime.format(now) : null);
            st.setLong(5, item.screeningId());
            st.setString(6, item.destination());
            return st.executeUpdate() == 1;
        }
    }

    /** Makes failed items and those waiting out a back-off due at {@code now}, attempts counted afresh. */
    int retryNow(Instant now) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("UPDATE outbox SET state = 'pending', attempts = 0, "
                + "next_attempt = ? WHERE state = 'failed' OR (state = 'pending' AND next_attempt > ?)")) {
            st.setString(1, StoreTime.format(now));
            st.setString(2, StoreTime.format(now));
            return st.executeUpdate();
        }
    }

    /** Counts per destination, in name order. */
    List<OutboxStatus> status() throws SQLException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Instant> oldest = new LinkedHashMap<>();
        Map<String, String> lastReason = new LinkedHashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT destination, sum(state = 'pending'), sum(state = 'pending' AND attempts > 0),
                    sum(state = 'failed'), sum(state = 'done'), min(CASE WHEN state = 'pending' THEN queued_time END)
                FROM outbox GROUP BY destination ORDER BY destination""")) {
            while (rs.next()) {
                counts.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
                if (rs.getString(6) != null) {
                    oldest.put(rs.getString(1), StoreTime.parse(rs.getString(6)));
                }
            }
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT o.destination, o.last_reason FROM outbox o WHERE o.state = 'pending' AND o.attempts > 0
                    AND o.screening_id = (SELECT max(screening_id) FROM outbox p WHERE p.destination = o.destination
                        AND p.state = 'pending' AND p.attempts > 0)""")) {
            while (rs.next()) {
                lastReason.put(rs.getString(1), rs.getString(2));
            }
        }
        List<OutboxStatus> status = new ArrayList<>();
        for (Map.Entry<String, long[]> c : counts.entrySet()) {
            long[] n = c.getValue();
            status.add(new OutboxStatus(c.getKey(), n[0], n[1], n[2], n[3], oldest.get(c.getKey()),
                    lastReason.get(c.getKey()), failures(c.getKey())));
        }
        return status;
    }

    private List<OutboxStatus.Failure> failures(String destination) throws SQLException {
        List<OutboxStatus.Failure> failures = new ArrayList<>();
        try (PreparedStatement st = db.prepareStatement("SELECT screening_id, last_reason FROM outbox "
                + "WHERE destination = ? AND state = 'failed' ORDER BY screening_id DESC LIMIT ?")) {
            st.setString(1, destination);
            st.setInt(2, FAILURES_LISTED);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    failures.add(new OutboxStatus.Failure(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return failures;
    }
}
