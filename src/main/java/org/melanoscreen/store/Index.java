package org.melanoscreen.store;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import org.tinylog.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.melanoscreen.store.ResultStore.DATABASE;

/** The SQLite index: how it is opened by the owner and by readers, its schema, its transactions. */
final class Index {
    /** 1: screenings, files, audit, meta; 2: the outbox. */
    static final int SCHEMA_VERSION = 2;
    /** How long a write waits for another process's write (an export's audit line) before failing. */
    private static final int BUSY_TIMEOUT_MS = 3000;

    private Index() {
    }

    enum Access { OWNER, SHARED, READ_ONLY }

    static Connection connect(Path folder, Access access) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        String url = "jdbc:sqlite:" + folder.resolve(DATABASE);
        if (access == Access.READ_ONLY) {
            c.setReadOnly(true);
            if (!Files.exists(folder.resolve(DATABASE + "-wal"))) {
                // a read-only file system cannot hold the WAL index (-shm); with no log to replay the file is final
                url = "jdbc:sqlite:file:" + folder.resolve(DATABASE) + "?immutable=1";
            }
            return DriverManager.getConnection(url, c.toProperties());
        }
        if (access == Access.SHARED) {
            c.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk when save() returns, also across a power cut (NORMAL would only survive a
        // crash of the process); one extra fsync per screening is nothing beside the image files.
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.setBusyTimeout(BUSY_TIMEOUT_MS);
        c.enforceForeignKeys(true);
        return DriverManager.getConnection(url, c.toProperties());
    }

    static int schemaVersion(Connection db) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** The owner's device id, or null where the index never had one or that part of it cannot be read. */
    static String deviceIdForReaders(Connection db) throws SQLException {
        try {
            return meta(db, "device_id");
        } catch (SQLException e) {
            if (!Integrity.isDamage(e)) {
                throw e;
            }
            Logger.warn("{}: device id cannot be read ({})", DATABASE, e.getMessage());
            return null;
        }
    }

    static String meta(Connection db, String key) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Creates the tables in a new index, adds those of later versions to an older one; refuses a newer one. */
    static void createSchema(Connection db, Path database) throws SQLException, StoreException {
        int version = schemaVersion(db);
        if (version > SCHEMA_VERSION) {
            throw new StoreException(database + ": schema version " + version
                    + " is newer than this software (" + SCHEMA_VERSION + ")");
        }
        if (version == SCHEMA_VERSION) {
            return;
        }
        transaction(db, () -> {
            try (Statement st = db.createStatement()) {
                if (version < 1) {
                    createVersion1(st);
                }
                Outbox.createTable(st);
                st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            return null;
        });
    }

    private static void createVersion1(Statement st) throws SQLException {
        // AUTOINCREMENT: ids are never reused after retention, so an exported id names one screening forever
        st.executeUpdate("""
                CREATE TABLE screenings (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL,
                    device_id TEXT NOT NULL,
                    patient_ref TEXT,
                    lesion_ref TEXT,
                    risk TEXT NOT NULL,
                    melanoma_probability REAL,
                    result_json TEXT NOT NULL,
                    models_json TEXT NOT NULL,
                    software_version TEXT NOT NULL,
                    folder TEXT NOT NULL UNIQUE)""");
        st.executeUpdate("CREATE INDEX screenings_time ON screenings (time)");
        st.executeUpdate("""
                CREATE TABLE files (
                    screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    PRIMARY KEY (screening_id, name))""");
        st.executeUpdate("""
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL,
                    device_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL)""");
        st.executeUpdate("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction. BEGIN IMMEDIATE takes the write lock at the start, not halfway
     * through (which can fail with SQLITE_BUSY); explicit statements keep the driver's auto-commit state out of it.
     */
    static <T> T transaction(Connection db, SqlWork<T> work) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                st.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
    }
}
