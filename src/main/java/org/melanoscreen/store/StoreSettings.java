package org.melanoscreen.store;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;
import org.melanoscreen.settings.Values;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where and how the appliance keeps its results, configured by the {@code store.*} keys ({@link #KEYS}; which folder
 * {@code store.data_dir} names, or which one is taken when it is empty, the command line decides).
 *
 * @param dataFolder          holds {@code results.db}, {@code audit.log} and the result folders
 * @param freeSpaceFloorBytes below this much usable space no capture should start (FAULT: storage)
 * @param maxAge              retention: results older than this are deleted; {@code null} keeps them
 * @param maxCount            retention: only the newest this many results are kept; {@code null} keeps all
 * @param deviceId            this appliance, written with every audit line
 */
public record StoreSettings(Path dataFolder, long freeSpaceFloorBytes, Duration maxAge, Integer maxCount,
                            String deviceId) {
    /** The free-space floor in MB (0: none; a terabyte at most). */
    public static final Range FREE_SPACE_FLOOR_MB = Range.closed(0, 1_000_000);
    /** Retention in days (0: keep for ever; a century at most). */
    public static final Range RETENTION_DAYS = Range.closed(0, 36_500);
    /** Retention by count (0: keep all). */
    public static final Range RETENTION_COUNT = Range.closed(0, 100_000_000);

    public static final List<Key> KEYS = List.of(
            Key.text("store.data_dir", "", "Results database, files and audit log; empty = "
                    + "./melanoscreen-data where it exists (a demo's), else /var/lib/melanoscreen."),
            Key.integer("store.min_free_mb", 200, FREE_SPACE_FLOOR_MB,
                    "Below this free space no capture starts (FAULT)."),
            Key.integer("store.retention_days", 365, RETENTION_DAYS, "Delete results older than this; 0 keeps them."),
            Key.integer("store.retention_max_count", 100_000, RETENTION_COUNT, "Keep at most this many; 0 keeps all."));

    /** The store in {@code dataFolder} (resolved from {@code store.data_dir} by the caller) as the keys describe it. */
    public static StoreSettings from(Values v, Path dataFolder, String deviceId) {
        int days = v.integer("store.retention_days");
        int count = v.integer("store.retention_max_count");
        return new StoreSettings(dataFolder, v.integer("store.min_free_mb") * 1024L * 1024L,
                days == 0 ? null : Duration.ofDays(days), count == 0 ? null : count, deviceId);
    }

    /** The store in {@code dataFolder} with every key at its default. */
    public static StoreSettings defaults(Path dataFolder, String deviceId) {
        return from(Values.defaults(KEYS), dataFolder, deviceId);
    }

    void check() throws StoreException {
        if (dataFolder == null) {
            throw new StoreException("store settings: data folder missing");
        }
        if (freeSpaceFloorBytes < 0) {
            throw new StoreException("store settings: free-space floor " + freeSpaceFloorBytes + " is negative");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new StoreException("store settings: retention max age " + maxAge + " must be positive");
        }
        if (maxCount != null && maxCount < 1) {
            throw new StoreException("store settings: retention max count " + maxCount + " must be at least 1");
        }
        if (deviceId == null || !deviceId.matches("[\\p{Graph}]{1,64}")) {
            throw new StoreException("store settings: device id '" + deviceId
                    + "' must be 1 to 64 printable characters without spaces");
        }
    }
}
