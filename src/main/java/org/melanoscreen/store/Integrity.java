package org.melanoscreen.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQLite's own check of the index's pages and records ({@code PRAGMA quick_check}). */
final class Integrity {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;
    private static final int PROBLEMS_SHOWN = 3;
    static final String REMEDY = "export what can still be read (melanoscreen results export --to DIR), then move "
            + "the data folder aside so that a new one is created";

    private Integrity() {
    }

    /** Throws if the index is damaged; any other SQLite failure is passed on as it is. */
    static void check(Connection db, Path database) throws StoreDamagedException, SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = db.createStatement()) {
            // pages this connection has cached would hide damage done on the disk since they were read
            st.execute("PRAGMA shrink_memory");
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (!isDamage(e)) {
                throw e;
            }
            throw damaged(database, e.getMessage(), e);
        }
        if (!problems.equals(List.of("ok"))) {
            String shown = String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())));
            throw damaged(database, shown + (problems.size() > PROBLEMS_SHOWN
                    ? "; ... " + (problems.size() - PROBLEMS_SHOWN) + " more" : ""), null);
        }
    }

    /** Whether SQLite refused a statement because the file is damaged or not a database at all. */
    static boolean isDamage(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    static StoreDamagedException damaged(Path database, String found, Throwable cause) {
        return new StoreDamagedException(database + ": damaged, the integrity check found: " + found + "; nothing "
                + "more is written to it; " + REMEDY, cause);
    }
}
