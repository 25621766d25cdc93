package org.melanoscreen.store;

import org.tinylog.Logger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.melanoscreen.store.ResultStore.DATABASE;

/** Deletes the screenings beyond the maximum age or count: rows first, then folders, with one audit event. */
final class Retention {
    private final StoreSettings settings;
    private final Connection db;
    private final Path results;
    private final AuditTrail audit;

    Retention(StoreSettings settings, Connection db, Path results, AuditTrail audit) {
        this.settings = settings;
        this.db = db;
        this.results = results;
        this.audit = audit;
    }

    /** How many screenings were deleted; a crash between rows and folders leaves folders the next open removes. */
    int apply() throws StoreException {
        if (settings.maxAge() == null && settings.maxCount() == null) {
            return 0;
        }
        Instant now = Instant.now();
        Map<Long, String> doomed = new TreeMap<>();
        String message;
        try {
            message = Index.transaction(db, () -> {
                if (settings.maxAge() != null) {
                    collect("SELECT id, folder FROM screenings WHERE time < ?",
                            StoreTime.format(now.minus(settings.maxAge())), doomed);
                }
                if (settings.maxCount() != null) {
                    collect("SELECT id, folder FROM screenings ORDER BY time DESC, id DESC LIMIT -1 OFFSET ?",
                            settings.maxCount(), doomed);
                }
                if (doomed.isEmpty()) {
                    return null;
                }
                try (PreparedStatement del = db.prepareStatement("DELETE FROM screenings WHERE id = ?")) {
                    for (long id : doomed.keySet()) {
                        del.setLong(1, id);
                        del.addBatch();
                    }
                    del.executeBatch();
                }
                String m = "deleted " + doomed.size() + " screening(s) (ids " + ResultStore.names(doomed.keySet()) + ") by "
                        + "max age " + days(settings.maxAge()) + " / max count " + settings.maxCount();
                audit.insert(now, "RETENTION", m);
                return m;
            });
        } catch (SQLException e) {
            throw new StoreException(DATABASE + ": retention failed (" + e.getMessage() + "); nothing was deleted", e);
        }
        if (message == null) {
            return 0;
        }
        for (String name : doomed.values()) {
            ResultStore.deleteQuietly(results.resolve(name));
        }
        audit.appendCommitted(now, "RETENTION", message);
        Logger.info("Retention {}", message);
        return doomed.size();
    }

    private void collect(String sql, Object param, Map<Long, String> into) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, param);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    into.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
    }

    private static String days(Duration d) {
        return d == null ? "off" : d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toString();
    }
}
