package org.melanoscreen.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The one audit trail: every event as a row of the {@code audit} table and as a line of {@code audit.log}, the
 * row first (in the transaction of what it records, where there is one).
 */
final class AuditTrail {
    private final Connection db;
    private final Path logFile;
    private final AuditLog log;
    private final String deviceId;

    AuditTrail(Connection db, Path logFile, String deviceId) {
        this.db = db;
        this.logFile = logFile;
        this.log = new AuditLog(logFile);
        this.deviceId = deviceId;
    }

    /** Cuts a last line of {@code audit.log} left unfinished by a crash. */
    void repair() throws IOException {
        log.repair();
    }

    /** Records an event on its own: the row, then the line; either failing is an error. */
    void record(Instant time, String kind, String message) throws StoreException {
        if (kind == null || !kind.matches("[A-Z][A-Z_]{0,19}")) {
            throw new StoreException("audit kind '" + kind + "' must be an upper-case word such as FAULT or CONFIG");
        }
        if (message == null || message.isBlank()) {
            throw new StoreException("audit " + kind + ": message missing");
        }
        try {
            insert(time, kind, message);
        } catch (SQLException e) {
            throw new StoreException(ResultStore.DATABASE + ": audit line " + kind + " cannot be written ("
                    + e.getMessage() + ")", e);
        }
        try {
            log.append(AuditLog.line(time, kind, deviceId, message));
        } catch (IOException e) {
            throw new StoreException(logFile + ": cannot be appended to (" + DurableFiles.reason(e) + ")", e);
        }
    }

    /** The row, inside the caller's transaction. */
    void insert(Instant time, String kind, String message) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(
                "INSERT INTO audit (time, device_id, kind, message) VALUES (?, ?, ?, ?)")) {
            st.setString(1, StoreTime.format(time));
            st.setString(2, deviceId);
            st.setString(3, kind);
            st.setString(4, AuditLog.oneLine(message));
            st.executeUpdate();
        }
    }

    /**
     * The line of an event whose row is committed: a failing log file is logged, not thrown, so that the caller
     * does not believe a stored result lost.
     */
    void appendCommitted(Instant time, String kind, String message) {
        String line = AuditLog.line(time, kind, deviceId, message);
        try {
            log.append(line);
        } catch (IOException e) {
            Logger.error("{}: audit line not appended ({}); the audit table holds it: {}", logFile,
                    DurableFiles.reason(e), line.strip());
        }
    }
}
