package org.melanoscreen.store;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 *
 * <p>Its parts: {@link OwnerLock}, {@link Index} (connections, schema, transactions), {@link ScreeningRows}
 * (reading), {@link AuditTrail}, {@link Retention}, {@link WriteProbe}, {@link Integrity}, {@link FolderCheck}
 * (verify), {@link Salvage} and {@link Exporter} (export). What stays here, over 350 lines, is the open sequence
 * and the save protocol with the cleanup of what a crash left: they share one crash-safety order and are kept
 * side by side so that it can be read in one place.
 */
public final class ResultStore implements AutoCloseable {
    static final String DATABASE = "results.db";
    static final String AUDIT_LOG = "audit.log";
    static final String RESULTS = "results";
    static final String INCOMING = "incoming";
    private static final int NAMES_IN_AUDIT = 10;

    private final StoreSettings settings;
    private final Path results;
    private final Path incoming;
    private final AuditTrail audit;
    private final FileChannel lock;
    private final Connection db;
    private final WriteHook hook;
    private final ScreeningRows rows;
    private final Outbox outbox;
    /** The destinations each screening saved is queued for; set by the owner after opening. */
    private List<String> destinations = List.of();
    /** Bytes of the last screening whose files could not be written; 0 once one is stored. */
    private long unstoredBytes;

    private ResultStore(StoreSettings settings, FileChannel lock, Connection db, WriteHook hook) {
        this.settings = settings;
        this.hook = hook;
        this.results = settings.dataFolder().resolve(RESULTS);
        this.incoming = settings.dataFolder().resolve(INCOMING);
        this.audit = new AuditTrail(db, settings.dataFolder().resolve(AUDIT_LOG), settings.deviceId());
        this.lock = lock;
        this.db = db;
        this.rows = new ScreeningRows(db, results, settings.dataFolder().resolve(DATABASE));
        this.outbox = new Outbox(db);
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
        FileChannel lock = OwnerLock.acquire(folder);
        Connection db = null;
        try {
            db = Index.connect(folder, Index.Access.OWNER);
            Integrity.check(db, folder.resolve(DATABASE));
            ResultStore store = new ResultStore(s, lock, db, hook);
            Index.createSchema(db, folder.resolve(DATABASE));
            store.audit.repair();
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
            db = Index.connect(folder, Files.isWritable(folder) ? Index.Access.SHARED : Index.Access.READ_ONLY);
            int version = Index.schemaVersion(db);
            if (version != Index.SCHEMA_VERSION) {
                throw new StoreException(folder.resolve(DATABASE) + ": schema version " + version + ", this software reads "
                        + Index.SCHEMA_VERSION + (version == 0 ? " (never opened by the service)" : ""));
            }
            String deviceId = Index.deviceIdForReaders(db);
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

    /**
     * Deletes the screenings older than the maximum age or beyond the maximum count (newest kept): rows first,
     * then folders, so a crash in between leaves only folders without rows, which the next open removes.
     *
     * @return how many screenings were deleted
     */
    public synchronized int applyRetention() throws StoreException {
        requireOwner("apply retention");
        return new Retention(settings, db, results, audit).apply();
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
            id = Index.transaction(db, () -> insert(r, name, files, now));
        } catch (SQLException e) {
            discardUncommitted(folder, name);
            throw new StoreException("screening of " + r.time() + ": cannot be indexed in " + DATABASE + " ("
                    + e.getMessage() + "); nothing was stored", e);
        }
        unstoredBytes = 0;
        audit.appendCommitted(now, "RESULT", resultMessage(id, r, name));
        return id;
    }

    /**
     * Queues every screening saved from now on for each of {@code destinations} (names of the outbox's
     * destinations), in the transaction that commits the screening; screenings stored before are not queued.
     */
    public synchronized void forwardTo(Collection<String> destinations) throws StoreException {
        requireOwner("queue screenings for sending");
        for (String d : destinations) {
            checkDestination(d);
        }
        this.destinations = List.copyOf(new LinkedHashSet<>(destinations));
    }

    /** The outbox items of {@code destination} due at {@code now}, oldest screening first, at most {@code limit}. */
    public synchronized List<OutboxItem> outboxDue(String destination, Instant now, int limit) throws StoreException {
        return outboxWork("read the outbox", () -> outbox.due(destination, now, limit));
    }

    /** When the next pending item of {@code destination} is due; empty when none is pending. */
    public synchronized Optional<Instant> outboxNextAttempt(String destination) throws StoreException {
        return Optional.ofNullable(outboxWork("read the outbox", () -> outbox.nextAttempt(destination)));
    }

    /** The server confirmed {@code item}: done, never sent again. */
    public synchronized void outboxDelivered(OutboxItem item, Instant now) throws StoreException {
        outboxWork("mark " + item + " done", () -> outbox.record(item, Outbox.DONE, null, now, now));
    }

    /** Sending {@code item} failed for a reason that may pass ({@code reason}): tried again at {@code next}. */
    public synchronized void outboxRetryLater(OutboxItem item, String reason, Instant next, Instant now)
            throws StoreException {
        outboxWork("reschedule " + item, () -> outbox.record(item, Outbox.PENDING, reason, next, now));
    }

    /** The server refused {@code item} ({@code reason}): failed, until {@link #outboxRetryNow}; audited. */
    public synchronized void outboxFailed(OutboxItem item, String reason, Instant now) throws StoreException {
        boolean recorded = outboxWork("mark " + item + " failed", () -> outbox.record(item, Outbox.FAILED, reason,
                now, now));
        if (recorded) {
            audit(now, "OUTBOX", "screening " + item.screeningId() + " to " + item.destination() + " failed: " + reason);
        }
    }

    /**
     * Queues for {@code destination} every stored screening not queued for it yet (those stored before it was
     * configured), due now; how many. Audited.
     */
    public synchronized int outboxEnqueueAll(String destination, Instant now) throws StoreException {
        checkDestination(destination);
        int n = outboxWork("queue the stored screenings", () -> Index.transaction(db,
                () -> outbox.enqueueAll(destination, now)));
        audit(now, "OUTBOX", n + " stored screening(s) queued for " + destination + " (results sync --enqueue-all)");
        return n;
    }

    /** Makes failed items and those waiting out a back-off due now; how many. */
    public synchronized int outboxRetryNow(Instant now) throws StoreException {
        int n = outboxWork("reset the outbox", () -> Index.transaction(db, () -> outbox.retryNow(now)));
        audit(now, "OUTBOX", n + " failed or waiting item(s) made due now (results sync --retry-now)");
        return n;
    }

    /** Each destination's queue (pending, failed with the server's reasons, done), by name. */
    public synchronized List<OutboxStatus> outboxStatus() throws StoreException {
        return outboxWork("read the outbox", outbox::status);
    }

    private static void checkDestination(String d) throws StoreException {
        if (d == null || !d.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new StoreException("outbox destination name '" + d + "' must be 1 to 32 lower-case letters, "
                    + "digits, '_' or '-'");
        }
    }

    private <T> T outboxWork(String what, Index.SqlWork<T> work) throws StoreException {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreException(settings.dataFolder().resolve(DATABASE) + ": cannot " + what + " ("
                    + e.getMessage() + ")", e);
        }
    }

    public synchronized Optional<StoredScreening> get(long id) throws StoreException {
        return rows.get(id);
    }

    /** The newest screenings first, from {@code since} on ({@code null}: all), at most {@code limit}. */
    public synchronized List<StoredScreening> list(Instant since, int limit) throws StoreException {
        if (limit < 1) {
            throw new StoreException("list limit " + limit + " must be at least 1");
        }
        List<StoredScreening> found = new ArrayList<>();
        rows.select(since == null ? null : "s.time >= ?", since == null ? List.of() : List.of(StoreTime.format(since)),
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
    public ExportSummary export(Path to, Instant since, boolean sameDiskAllowed) throws StoreException {
        return export(to, since, sameDiskAllowed, null);
    }

    /**
     * As {@link #export(Path, Instant, boolean)}, but with what {@code converter} makes of each screening (at the
     * top of the export folder, named in the index files) instead of copies of its files; {@code null} copies.
     */
    public synchronized ExportSummary export(Path to, Instant since, boolean sameDiskAllowed,
                                             ExportConverter converter) throws StoreException {
        Path target = ExportTarget.check(to, settings.dataFolder(), sameDiskAllowed);
        Exporter exporter = Exporter.begin(target, converter);
        ExportSummary summary;
        try {
            Salvage.export(rows, results, since, exporter);
            summary = exporter.finish();
        } catch (StoreException | RuntimeException e) {
            exporter.abandon();
            throw e;
        }
        String message = summary.screenings() + " screening(s)" + (since == null ? "" : " since " + since)
                + ", " + summary.files() + " file(s), " + summary.bytes() + " bytes to " + target
                + (summary.problems().isEmpty() ? "" : ", " + summary.problems().size() + " problem(s)");
        if (indexDamaged()) {
            audit.appendCommitted(Instant.now(), "EXPORT", message + "; the index is damaged, so this line is in "
                    + AUDIT_LOG + " only");
            return summary;
        }
        try {
            audit("EXPORT", message);
        } catch (StoreException e) {
            Logger.warn("Export to {} complete, but its audit line failed: {}", target, e.getMessage());
        }
        return summary;
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
     * Proves that a result can be stored now (see {@link WriteProbe}); after a save that failed for want of space,
     * with as many bytes as that screening had. Throws with the reason when it cannot.
     */
    public synchronized void proveWritable() throws StoreException {
        requireOwner("prove the data folder writable");
        WriteProbe.prove(incoming, hook, unstoredBytes);
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
        audit.record(now, kind, message);
    }

    private boolean indexDamaged() {
        try {
            checkIntegrity();
            return false;
        } catch (StoreDamagedException e) {
            return true;
        } catch (StoreException e) {
            Logger.warn("{}", e.getMessage());
            return false;
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
        rows.select(null, List.of(), false, -1, s -> problems.addAll(FolderCheck.problems(s)));
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

    /** Remembers the owner's device id, for shared openers' audit lines; a change is a configuration change. */
    private void recordDeviceId() throws SQLException, StoreException {
        String previous = Index.meta(db, "device_id");
        if (settings.deviceId().equals(previous)) {
            return;
        }
        Index.transaction(db, () -> {
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
        outbox.enqueue(id, destinations, now);
        audit.insert(now, "RESULT", resultMessage(id, r, folder));
        return id;
    }

    private static String resultMessage(long id, ScreeningRecord r, String folder) {
        // references to the patient stay in the index; the log file names the screening only
        return "screening " + id + " " + r.risk() + " p=" + r.melanomaProbability() + " folder=" + folder
                + " models=" + new TreeMap<>(r.models()).keySet() + " software=" + r.softwareVersion();
    }

    private static String modelsJson(Map<String, String> models) throws SQLException {
        try {
            return Json.MAPPER.writeValueAsString(new TreeMap<>(models));
        } catch (JsonProcessingException e) {
            throw new SQLException("models cannot be written as JSON", e);
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

    static String names(Collection<?> items) {
        String shown = items.stream().limit(NAMES_IN_AUDIT).map(String::valueOf).collect(Collectors.joining(", "));
        return items.size() > NAMES_IN_AUDIT ? shown + ", ... " + (items.size() - NAMES_IN_AUDIT) + " more" : shown;
    }

    static void deleteQuietly(Path p) {
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
        OwnerLock.closeQuietly(lock);
    }
}
