package org.melanoscreen.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The appliance's results: an SQLite index ({@code results.db}, write-ahead log) of every screening, and one
 * folder of files per screening under {@code results/}.
 *
 * <p>Crash safety rests on one order: a screening's files are written into {@code incoming/}, fsynced and renamed
 * into {@code results/} before its row is committed, and rows are deleted before their folders. So every committed
 * row has complete files, and whatever a crash leaves behind (a folder in {@code incoming/}, a folder in
 * {@code results/} without a row) is removed the next time the owner opens the store.
 *
 * <p>One process owns the store ({@link #open}): it saves, applies retention and cleans up. Others
 * ({@link #openShared}) may read, export and audit alongside it.
 */
public final class ResultStore implements AutoCloseable {
    static final String DATABASE = "results.db";
    static final String AUDIT_LOG = "audit.log";
    static final String RESULTS = "results";
    static final String INCOMING = "incoming";
    private static final String LOCK = "store.lock";
    private static final int SCHEMA_VERSION = 1;
    /** How long a write waits for another process's write (an export's audit line) before failing. */
    private static final int BUSY_TIMEOUT_MS = 3000;
    private static final int NAMES_IN_AUDIT = 10;
    /** One file-system block: enough to prove that a new file gets an inode and a block. */
    private static final int PROBE_BYTES = 4096;
    /** A result's folder holds frame, mask, overlay and JSON: the probe takes as many inodes (folder included). */
    private static final int PROBE_FILES = 4;
    private static final TypeReference<Map<String, String>> MODELS = new TypeReference<>() {
    };

    private final StoreSettings settings;
    private final Path results;
    private final Path incoming;
    private final AuditLog auditLog;
    private final FileChannel lock;
    private final Connection db;
    private final WriteHook hook;
    /** Bytes of the last screening whose files could not be written; 0 once one is stored. */
    private long unstoredBytes;

    private ResultStore(StoreSettings settings, FileChannel lock, Connection db, WriteHook hook) {
        this.settings = settings;
        this.hook = hook;
        this.results = settings.dataFolder().resolve(RESULTS);
        this.incoming = settings.dataFolder().resolve(INCOMING);
        this.auditLog = new AuditLog(settings.dataFolder().resolve(AUDIT_LOG));
        this.lock = lock;
        this.db = db;
    }

    /**
     * Opens the store as its owner, creating the data folder and the index if needed, and removes what a crash
     * left half-written. Fails if another process owns it, and with {@link StoreDamagedException} if the index
     * fails SQLite's integrity check (before anything is written to it).
     */
    public static ResultStore open(StoreSettings settings) throws StoreException {
        return open(settings, WriteHook.NONE);
    }

    /** {@link #open(StoreSettings)}, with {@code hook} called before each file the store writes. */
    public static ResultStore open(StoreSettings settings, WriteHook hook) throws StoreException {
        settings.check();
        Path folder = settings.dataFolder().toAbsolutePath().normalize();
        StoreSettings s = new StoreSettings(folder, settings.freeSpaceFloorBytes(), settings.maxAge(),
                settings.maxCount(), settings.deviceId());
        try {
            Files.createDirectories(folder.resolve(RESULTS));
            Files.createDirectories(folder.resolve(INCOMING));
        } catch (IOException e) {
            throw new StoreException("data folder " + folder + ": cannot be created (" + DurableFiles.reason(e) + ")", e);
        }
        FileChannel lock = ownerLock(folder);
        Connection db = null;
        try {
            db = connect(folder, Access.OWNER);
            Integrity.check(db, folder.resolve(DATABASE));
            ResultStore store = new ResultStore(s, lock, db, hook);
            store.createSchema();
            store.auditLog.repair();
            store.recordDeviceId();
            store.cleanLeftovers();
            return store;
        } catch (SQLException e) {
            closeQuietly(db, lock);
            if (Integrity.isDamage(e)) {
                throw Integrity.damaged(folder.resolve(DATABASE), e.getMessage(), e);
            }
            throw new StoreException(folder.resolve(DATABASE) + ": cannot be opened (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            closeQuietly(db, lock);
            throw new StoreException("data folder " + folder + ": cannot be prepared (" + DurableFiles.reason(e) + ")", e);
        } catch (StoreException | RuntimeException e) {
            closeQuietly(db, lock);
            throw e;
        }
    }

    /**
     * Opens an existing store to read, export, verify and audit while its owner (the service) may be running.
     * Saving and retention are refused; nothing is cleaned up. On a read-only data folder auditing fails.
     */
    public static ResultStore openShared(Path dataFolder) throws StoreException {
        Path folder = dataFolder.toAbsolutePath().normalize();
        if (!Files.isRegularFile(folder.resolve(DATABASE))) {
            throw new StoreException("data folder " + folder + ": no results store here (" + DATABASE + " missing)");
        }
        Connection db = null;
        try {
            // a card the kernel remounted read-only after errors must still be readable and exportable
            db = connect(folder, Files.isWritable(folder) ? Access.SHARED : Access.READ_ONLY);
            int version = schemaVersion(db);
            if (version != SCHEMA_VERSION) {
                throw new StoreException(folder.resolve(DATABASE) + ": schema version " + version + ", this software reads "
                        + SCHEMA_VERSION + (version == 0 ? " (never opened by the service)" : ""));
            }
            String deviceId = deviceIdForReaders(db);
            return new ResultStore(StoreSettings.defaults(folder, deviceId == null ? "unknown" : deviceId), null, db,
                    WriteHook.NONE);
        } catch (SQLException e) {
            closeQuietly(db, null);
            throw new StoreException(folder.resolve(DATABASE) + ": cannot be opened (" + e.getMessage() + ")", e);
        } catch (StoreException | RuntimeException e) {
            closeQuietly(db, null);
            throw e;
        }
    }

    public Path dataFolder() {
        return settings.dataFolder();
    }

    /**
     * Stores a screening completely or not at all, and writes its RESULT audit line.
     *
     * @return the id of the new screening
     */
    public synchronized long save(ScreeningRecord r) throws StoreException {
        requireOwner("save a screening");
        r.check();
        String name = StoreTime.folderPrefix(r.time()) + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path temp = incoming.resolve(name);
        Path folder = results.resolve(name);
        List<StoredFile> files = new ArrayList<>();
        try {
            Files.createDirectory(temp);
            Map<String, byte[]> all = new LinkedHashMap<>(r.files());
            all.put(ScreeningRecord.RESULT_FILE, r.resultJson().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> f : all.entrySet()) {
                hook.beforeWrite(temp.resolve(f.getKey()), f.getValue().length);
                DurableFiles.write(temp.resolve(f.getKey()), f.getValue());
                files.add(new StoredFile(f.getKey(), f.getValue().length, DurableFiles.sha256(f.getValue())));
            }
            DurableFiles.syncFolder(temp);
            DurableFiles.moveFolder(temp, folder);
        } catch (IOException e) {
            unstoredBytes = r.files().values().stream().mapToLong(b -> b.length).sum() + r.resultJson().length();
            deleteQuietly(temp);
            deleteQuietly(folder); // renamed, but the rename was not made durable: no row may refer to it
            throw new StoreException("screening of " + r.time() + ": files cannot be written to " + temp + " ("
                    + DurableFiles.reason(e) + "); nothing was stored", e);
        }
        Instant now = Instant.now();
        long id;
        try {
            id = transaction(() -> insert(r, name, files, now));
        } catch (SQLException e) {
            discardUncommitted(folder, name);
            throw new StoreException("screening of " + r.time() + ": cannot be indexed in " + DATABASE + " ("
                    + e.getMessage() + "); nothing was stored", e);
        }
        unstoredBytes = 0;
        appendAuditLine(AuditLog.line(now, "RESULT", settings.deviceId(), resultMessage(id, r, name)));
        return id;
    }

    public synchronized Optional<StoredScreening> get(long id) throws StoreException {
        List<StoredScreening> found = new ArrayList<>();
        select("s.id = ?", List.of(id), false, 1, found::add);
        return found.stream().findFirst();
    }

    /** The newest screenings first, from {@code since} on ({@code null}: all), at most {@code limit}. */
    public synchronized List<StoredScreening> list(Instant since, int limit) throws StoreException {
        if (limit < 1) {
            throw new StoreException("list limit " + limit + " must be at least 1");
        }
        List<StoredScreening> found = new ArrayList<>();
        select(since == null ? null : "s.time >= ?", since == null ? List.of() : List.of(StoreTime.format(since)),
                true, limit, found::add);
        return found;
    }

    /**
     * Writes {@code screenings.csv}, {@code screenings.json} and each screening's files (in {@code <id>/}) from
     * {@code since} on ({@code null}: all) into the new folder {@code to}, for a USB stick. The export is built
     * beside {@code to} and renamed into place, so {@code to} either holds a complete export or does not exist.
     *
     * <p>{@code to}'s parent must exist and, unless {@code sameDiskAllowed}, be on another file system than the
     * data folder. From a damaged index every row that can still be read is exported; rows and files that cannot
     * be are named in the summary and in {@code problems.txt}, and the folders of unreadable rows are copied
     * unchecked into {@code unindexed/}.
     */
    public synchronized ExportSummary export(Path to, Instant since, boolean sameDiskAllowed) throws StoreException {
        Path target = ExportTarget.check(to, settings.dataFolder(), sameDiskAllowed);
        Exporter exporter = Exporter.begin(target);
        ExportSummary summary;
        try {
            salvage(since, exporter);
            summary = exporter.finish();
        } catch (StoreException | RuntimeException e) {
            exporter.abandon();
            throw e;
        }
        try {
            audit("EXPORT", summary.screenings() + " screening(s)" + (since == null ? "" : " since " + since)
                    + ", " + summary.files() + " file(s), " + summary.bytes() + " bytes to " + target
                    + (summary.problems().isEmpty() ? "" : ", " + summary.problems().size() + " problem(s)"));
        } catch (StoreException e) {
            Logger.warn("Export to {} complete, but its audit line failed: {}", target, e.getMessage());
        }
        return summary;
    }

    /** Reads the screenings one by one, so that a damaged page costs only the rows on it. */
    private void salvage(Instant since, Exporter exporter) throws StoreException {
        List<Long> ids;
        boolean damaged = false;
        try {
            ids = ids();
        } catch (SQLException e) {
            exporter.problem(DATABASE + ": the list of screenings cannot be read (" + e.getMessage()
                    + "); every id up to the highest ever given was tried");
            ids = idsUpToHighest();
            damaged = true;
        }
        Set<String> readable = new HashSet<>();
        for (long id : ids) {
            Optional<StoredScreening> s;
            try {
                s = get(id);
            } catch (StoreException e) {
                exporter.problem("screening " + id + ": cannot be read from " + DATABASE + " ("
                        + rootMessage(e) + "); not exported");
                damaged = true;
                continue;
            }
            if (s.isEmpty()) {
                continue;
            }
            readable.add(s.get().folder().getFileName().toString());
            if (since == null || !s.get().time().isBefore(since)) {
                exporter.add(s.get());
            }
        }
        if (damaged) {
            for (Path folder : unreferencedFolders(readable)) {
                exporter.addUnindexed(folder);
            }
        }
    }

    private List<Long> ids() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM screenings ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Every id AUTOINCREMENT can have given, from its counter (or the table's last row). */
    private List<Long> idsUpToHighest() throws StoreException {
        long highest = -1;
        for (String sql : List.of("SELECT seq FROM sqlite_sequence WHERE name = 'screenings'",
                "SELECT max(id) FROM screenings")) {
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                highest = Math.max(highest, rs.next() ? rs.getLong(1) : 0);
            } catch (SQLException e) {
                Logger.warn("{}: {} failed ({})", DATABASE, sql, e.getMessage());
            }
        }
        if (highest < 0) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": no screening id can be read; "
                    + "nothing was exported");
        }
        return java.util.stream.LongStream.rangeClosed(1, highest).boxed().toList();
    }

    private List<Path> unreferencedFolders(Set<String> referenced) throws StoreException {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(p -> !referenced.contains(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new StoreException(results + ": cannot be listed (" + DurableFiles.reason(e) + ")", e);
        }
    }

    private static String rootMessage(Exception e) {
        return e.getCause() instanceof SQLException q ? q.getMessage() : e.getMessage();
    }

    /**
     * Deletes the screenings older than the maximum age or beyond the maximum count (newest kept): rows first,
     * then folders, so a crash in between leaves only folders without rows, which the next open removes.
     *
     * @return how many screenings were deleted
     */
    public synchronized int applyRetention() throws StoreException {
        requireOwner("apply retention");
        if (settings.maxAge() == null && settings.maxCount() == null) {
            return 0;
        }
        Instant now = Instant.now();
        Map<Long, String> doomed = new TreeMap<>();
        String message;
        try {
            message = transaction(() -> {
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
                String m = "deleted " + doomed.size() + " screening(s) (ids " + names(doomed.keySet()) + ") by "
                        + "max age " + days(settings.maxAge()) + " / max count " + settings.maxCount();
                insertAudit(now, "RETENTION", m);
                return m;
            });
        } catch (SQLException e) {
            throw new StoreException(DATABASE + ": retention failed (" + e.getMessage() + "); nothing was deleted", e);
        }
        if (message == null) {
            return 0;
        }
        for (String name : doomed.values()) {
            deleteQuietly(results.resolve(name));
        }
        appendAuditLine(AuditLog.line(now, "RETENTION", settings.deviceId(), message));
        Logger.info("Retention {}", message);
        return doomed.size();
    }

    public long freeBytes() throws StoreException {
        try {
            return Files.getFileStore(settings.dataFolder()).getUsableSpace();
        } catch (IOException e) {
            throw new StoreException("data folder " + settings.dataFolder() + ": free space unknown ("
                    + DurableFiles.reason(e) + ")", e);
        }
    }

    /** Whether a capture must be refused (FAULT: storage) because the data folder's disk is nearly full. */
    public boolean belowFreeSpaceFloor() throws StoreException {
        requireOwner("check the free-space floor");
        return freeBytes() < settings.freeSpaceFloorBytes();
    }

    /**
     * Proves that a result can be stored now: creates in the data folder a folder of as many files as a result
     * has, writes and fsyncs a block (after a save that failed for want of space: as many bytes as that screening
     * had), deletes them. Throws with the reason (no space, no inodes, read-only, I/O error) when it cannot.
     */
    public synchronized void proveWritable() throws StoreException {
        requireOwner("prove the data folder writable");
        Path probe = incoming.resolve(".write-probe");
        int bytes = (int) Math.max(PROBE_BYTES, unstoredBytes);
        try {
            hook.beforeWrite(probe, bytes);
            DurableFiles.deleteTree(probe);
            Files.createDirectory(probe);
            DurableFiles.write(probe.resolve("block"), new byte[bytes]);
            for (int i = 1; i < PROBE_FILES; i++) {
                Files.createFile(probe.resolve("inode-" + i));
            }
            DurableFiles.deleteTree(probe);
            DurableFiles.syncFolder(incoming);
        } catch (IOException e) {
            deleteQuietly(probe);
            throw new StoreException("data folder " + settings.dataFolder() + ": not writable (" + DurableFiles.reason(e)
                    + "); results cannot be stored", e);
        }
    }

    /** Runs SQLite's integrity check on the index; throws {@link StoreDamagedException} if it is damaged. */
    public synchronized void checkIntegrity() throws StoreException {
        try {
            Integrity.check(db, settings.dataFolder().resolve(DATABASE));
        } catch (SQLException e) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": integrity check failed to run ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Records an event (RESULT, FAULT, CONFIG, RETENTION, EXPORT, ...) in the audit table and as one line of
     * {@code audit.log}.
     */
    public void audit(String kind, String message) throws StoreException {
        audit(Instant.now(), kind, message);
    }

    /** {@link #audit(String, String)} for an event that happened at {@code now}, before the store could record it. */
    public synchronized void audit(Instant now, String kind, String message) throws StoreException {
        if (kind == null || !kind.matches("[A-Z][A-Z_]{0,19}")) {
            throw new StoreException("audit kind '" + kind + "' must be an upper-case word such as FAULT or CONFIG");
        }
        if (message == null || message.isBlank()) {
            throw new StoreException("audit " + kind + ": message missing");
        }
        try {
            insertAudit(now, kind, message);
        } catch (SQLException e) {
            throw new StoreException(DATABASE + ": audit line " + kind + " cannot be written (" + e.getMessage() + ")", e);
        }
        try {
            auditLog.append(AuditLog.line(now, kind, settings.deviceId(), message));
        } catch (IOException e) {
            throw new StoreException(settings.dataFolder().resolve(AUDIT_LOG) + ": cannot be appended to ("
                    + DurableFiles.reason(e) + ")", e);
        }
    }

    /**
     * Checks the index with SQLite's integrity check, then every committed screening against its folder: files
     * missing, of another size or SHA-256, or not committed. Empty when all is intact; a damaged index is the one
     * problem reported, as its rows cannot be trusted.
     */
    public synchronized List<String> verify() throws StoreException {
        List<String> problems = new ArrayList<>();
        try {
            checkIntegrity();
        } catch (StoreDamagedException e) {
            return List.of(e.getMessage());
        }
        select(null, List.of(), false, -1, s -> problems.addAll(problems(s)));
        return problems;
    }

    @Override
    public synchronized void close() throws StoreException {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": cannot be closed (" + e.getMessage() + ")", e);
        } finally {
            closeQuietly(null, lock);
        }
    }

    private static FileChannel ownerLock(Path folder) throws StoreException {
        Path file = folder.resolve(LOCK);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new StoreException("data folder " + folder + ": in use by another process (is the service running?)");
            }
            return ch;
        } catch (OverlappingFileLockException e) {
            closeQuietly(null, ch);
            throw new StoreException("data folder " + folder + ": already open in this process", e);
        } catch (IOException e) {
            closeQuietly(null, ch);
            throw new StoreException(file + ": cannot be locked (" + DurableFiles.reason(e) + ")", e);
        } catch (StoreException e) {
            closeQuietly(null, ch);
            throw e;
        }
    }

    private enum Access { OWNER, SHARED, READ_ONLY }

    private static Connection connect(Path folder, Access access) throws SQLException {
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

    private static int schemaVersion(Connection db) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** The owner's device id, or null where the index never had one or that part of it cannot be read. */
    private static String deviceIdForReaders(Connection db) throws SQLException {
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

    private static String meta(Connection db, String key) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void createSchema() throws SQLException, StoreException {
        int version = schemaVersion(db);
        if (version > SCHEMA_VERSION) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": schema version " + version
                    + " is newer than this software (" + SCHEMA_VERSION + ")");
        }
        if (version == SCHEMA_VERSION) {
            return;
        }
        transaction(() -> {
            try (Statement st = db.createStatement()) {
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
                st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            return null;
        });
    }

    /** Remembers the owner's device id, for shared openers' audit lines; a change is a configuration change. */
    private void recordDeviceId() throws SQLException, StoreException {
        String previous = meta(db, "device_id");
        if (settings.deviceId().equals(previous)) {
            return;
        }
        transaction(() -> {
            try (PreparedStatement st = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES ('device_id', ?)")) {
                st.setString(1, settings.deviceId());
                st.executeUpdate();
            }
            return null;
        });
        if (previous != null) {
            audit("CONFIG", "device id changed from " + previous + " to " + settings.deviceId());
        }
    }

    private void cleanLeftovers() throws IOException, SQLException, StoreException {
        Set<String> committed = new HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT folder FROM screenings")) {
            while (rs.next()) {
                committed.add(rs.getString(1));
            }
        }
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> s = Files.list(incoming)) {
            s.forEach(leftovers::add);
        }
        try (Stream<Path> s = Files.list(results)) {
            s.filter(p -> !committed.contains(p.getFileName().toString())).forEach(leftovers::add);
        }
        if (leftovers.isEmpty()) {
            return;
        }
        for (Path p : leftovers) {
            DurableFiles.deleteTree(p);
        }
        DurableFiles.syncFolder(incoming);
        DurableFiles.syncFolder(results);
        String names = names(leftovers.stream().map(p -> settings.dataFolder().relativize(p).toString()).toList());
        Logger.warn("Removed {} half-written leftover(s) of an interrupted save or retention: {}", leftovers.size(), names);
        audit("CLEANUP", "removed " + leftovers.size() + " half-written leftover(s): " + names);
    }

    private long insert(ScreeningRecord r, String folder, List<StoredFile> files, Instant now) throws SQLException {
        long id;
        try (PreparedStatement st = db.prepareStatement("""
                INSERT INTO screenings (time, device_id, patient_ref, lesion_ref, risk, melanoma_probability,
                    result_json, models_json, software_version, folder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                Statement.RETURN_GENERATED_KEYS)) {
            st.setString(1, StoreTime.format(r.time()));
            st.setString(2, r.deviceId());
            st.setString(3, r.patientRef());
            st.setString(4, r.lesionRef());
            st.setString(5, r.risk());
            st.setObject(6, r.melanomaProbability());
            st.setString(7, r.resultJson());
            st.setString(8, modelsJson(r.models()));
            st.setString(9, r.softwareVersion());
            st.setString(10, folder);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement st = db.prepareStatement(
                "INSERT INTO files (screening_id, name, size, sha256) VALUES (?, ?, ?, ?)")) {
            for (StoredFile f : files) {
                st.setLong(1, id);
                st.setString(2, f.name());
                st.setLong(3, f.size());
                st.setString(4, f.sha256());
                st.addBatch();
            }
            st.executeBatch();
        }
        insertAudit(now, "RESULT", resultMessage(id, r, folder));
        return id;
    }

    private static String resultMessage(long id, ScreeningRecord r, String folder) {
        // references to the patient stay in the index; the log file names the screening only
        return "screening " + id + " " + r.risk() + " p=" + r.melanomaProbability() + " folder=" + folder
                + " models=" + new TreeMap<>(r.models()).keySet() + " software=" + r.softwareVersion();
    }

    private void insertAudit(Instant time, String kind, String message) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(
                "INSERT INTO audit (time, device_id, kind, message) VALUES (?, ?, ?, ?)")) {
            st.setString(1, StoreTime.format(time));
            st.setString(2, settings.deviceId());
            st.setString(3, kind);
            st.setString(4, AuditLog.oneLine(message));
            st.executeUpdate();
        }
    }

    /** The row is committed, so a failing log file must not make the caller believe the result was lost. */
    private void appendAuditLine(String line) {
        try {
            auditLog.append(line);
        } catch (IOException e) {
            Logger.error("{}: audit line not appended ({}); the audit table holds it: {}",
                    settings.dataFolder().resolve(AUDIT_LOG), DurableFiles.reason(e), line.strip());
        }
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

    private interface Visitor {
        void visit(StoredScreening s) throws StoreException;
    }

    /**
     * Streams screenings with their files, oldest first or newest first, in one statement so that each is seen
     * whole even while the owner saves or deletes.
     */
    private void select(String where, List<Object> params, boolean newestFirst, int limit, Visitor visitor)
            throws StoreException {
        String order = newestFirst ? "s.time DESC, s.id DESC" : "s.id";
        String sql = "SELECT s.id, s.time, s.device_id, s.patient_ref, s.lesion_ref, s.risk, s.melanoma_probability, "
                + "s.result_json, s.models_json, s.software_version, s.folder, f.name, f.size, f.sha256 "
                + "FROM (SELECT * FROM screenings s" + (where == null ? "" : " WHERE " + where)
                + " ORDER BY " + order + " LIMIT ?) s LEFT JOIN files f ON f.screening_id = s.id "
                + "ORDER BY " + order + ", f.name";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            int i = 1;
            for (Object p : params) {
                st.setObject(i++, p);
            }
            st.setInt(i, limit);
            try (ResultSet rs = st.executeQuery()) {
                Row current = null;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (current == null || current.id != id) {
                        if (current != null) {
                            visitor.visit(current.screening());
                        }
                        current = new Row(rs, results);
                    }
                    if (rs.getString(12) != null) {
                        current.files.add(new StoredFile(rs.getString(12), rs.getLong(13), rs.getString(14)));
                    }
                }
                if (current != null) {
                    visitor.visit(current.screening());
                }
            }
        } catch (SQLException e) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** A screening row being assembled from the joined rows of its files. */
    private static final class Row {
        final long id;
        final Instant time;
        final String deviceId;
        final String patientRef;
        final String lesionRef;
        final String risk;
        final Double probability;
        final String resultJson;
        final String modelsJson;
        final String softwareVersion;
        final Path folder;
        final List<StoredFile> files = new ArrayList<>();

        Row(ResultSet rs, Path results) throws SQLException {
            id = rs.getLong(1);
            time = StoreTime.parse(rs.getString(2));
            deviceId = rs.getString(3);
            patientRef = rs.getString(4);
            lesionRef = rs.getString(5);
            risk = rs.getString(6);
            double p = rs.getDouble(7);
            probability = rs.wasNull() ? null : p;
            resultJson = rs.getString(8);
            modelsJson = rs.getString(9);
            softwareVersion = rs.getString(10);
            folder = results.resolve(rs.getString(11));
        }

        StoredScreening screening() throws StoreException {
            Map<String, String> models;
            try {
                models = StoredScreening.MAPPER.readValue(modelsJson, MODELS);
            } catch (JsonProcessingException e) {
                throw new StoreException("screening " + id + ": models column is not a JSON object ("
                        + e.getOriginalMessage() + ")", e);
            }
            return new StoredScreening(id, time, deviceId, patientRef, lesionRef, risk, probability, resultJson,
                    models, softwareVersion, folder, files);
        }
    }

    private static List<String> problems(StoredScreening s) {
        String what = "screening " + s.id() + ": ";
        if (!Files.isDirectory(s.folder())) {
            return List.of(what + "folder " + s.folder() + " missing");
        }
        List<String> problems = new ArrayList<>();
        Map<String, StoredFile> expected = new HashMap<>();
        for (StoredFile f : s.files()) {
            expected.put(f.name(), f);
            Path file = s.file(f.name());
            try {
                if (!Files.isRegularFile(file)) {
                    problems.add(what + f.name() + " missing");
                } else if (Files.size(file) != f.size()) {
                    problems.add(what + f.name() + " is " + Files.size(file) + " bytes, " + f.size() + " were stored");
                } else if (!DurableFiles.sha256(file).equals(f.sha256())) {
                    problems.add(what + f.name() + " differs from what was stored (SHA-256 mismatch)");
                }
            } catch (IOException e) {
                problems.add(what + f.name() + " cannot be read (" + DurableFiles.reason(e) + ")");
            }
        }
        try (Stream<Path> listing = Files.list(s.folder())) {
            listing.map(p -> p.getFileName().toString()).filter(n -> !expected.containsKey(n)).sorted()
                    .forEach(n -> problems.add(what + n + " was not stored with the screening"));
        } catch (IOException e) {
            problems.add(what + "folder " + s.folder() + " cannot be listed (" + DurableFiles.reason(e) + ")");
        }
        return problems;
    }

    private static String modelsJson(Map<String, String> models) throws SQLException {
        try {
            return StoredScreening.MAPPER.writeValueAsString(new TreeMap<>(models));
        } catch (JsonProcessingException e) {
            throw new SQLException("models cannot be written as JSON", e);
        }
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction. BEGIN IMMEDIATE takes the write lock at the start, not halfway
     * through (which can fail with SQLITE_BUSY); explicit statements keep the driver's auto-commit state out of it.
     */
    private <T> T transaction(SqlWork<T> work) throws SQLException {
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

    /** After a failed commit: removes the folder unless a row refers to it after all. */
    private void discardUncommitted(Path folder, String name) {
        try (PreparedStatement st = db.prepareStatement("SELECT 1 FROM screenings WHERE folder = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    deleteQuietly(folder);
                }
            }
        } catch (SQLException e) {
            Logger.warn("{}: kept after a failed commit; the next start removes it if no row refers to it ({})",
                    folder, e.getMessage());
        }
    }

    private void requireOwner(String what) throws StoreException {
        if (lock == null) {
            throw new StoreException("data folder " + settings.dataFolder() + ": opened shared, cannot " + what
                    + " (only the owner, the service, can)");
        }
    }

    private static String days(Duration d) {
        return d == null ? "off" : d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toString();
    }

    private static String names(Collection<?> items) {
        String shown = items.stream().limit(NAMES_IN_AUDIT).map(String::valueOf).collect(Collectors.joining(", "));
        return items.size() > NAMES_IN_AUDIT ? shown + ", ... " + (items.size() - NAMES_IN_AUDIT) + " more" : shown;
    }

    private static void deleteQuietly(Path p) {
        try {
            DurableFiles.deleteTree(p);
        } catch (IOException e) {
            Logger.warn("{}: cannot be deleted ({}); the next start removes it", p, DurableFiles.reason(e));
        }
    }

    private static void closeQuietly(Connection db, FileChannel lock) {
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException e) {
            Logger.warn("Closing the results index failed: {}", e.getMessage());
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException e) {
            Logger.warn("Releasing the store lock failed: {}", e.getMessage());
        }
    }
}
