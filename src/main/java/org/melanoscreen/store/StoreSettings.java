package org.melanoscreen.store;

import org.melanoscreen.settings.Range;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the appliance keeps its results.
 *
 * @param dataFolder          holds {@code results.db}, {@code audit.log} and the result folders
 * @param freeSpaceFloorBytes below this much usable space no capture should start (FAULT: storage)
 * @param maxAge              retention: results older than this are deleted; {@code null} keeps them
 * @param maxCount            retention: only the newest this many results are kept; {@code null} keeps all
 * @param deviceId            this appliance, written with every audit line
 */
public record StoreSettings(Path dataFolder, long freeSpaceFloorBytes, Duration maxAge, Integer maxCount,
                            String deviceId) {
    public static final long DEFAULT_FREE_SPACE_FLOOR = 200L * 1024 * 1024;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(365);
    public static final int DEFAULT_MAX_COUNT = 100_000;
    /** The free-space floor in MB (0: none; a terabyte at most). */
    public static final Range FREE_SPACE_FLOOR_MB = Range.closed(0, 1_000_000);
    /** Retention in days (0: keep for ever; a century at most). */
    public static final Range RETENTION_DAYS = Range.closed(0, 36_500);
    /** Retention by count (0: keep all). */
    public static final Range RETENTION_COUNT = Range.closed(0, 100_000_000);

    public static StoreSettings defaults(Path dataFolder, String deviceId) {
        return new StoreSettings(dataFolder, DEFAULT_FREE_SPACE_FLOOR, DEFAULT_MAX_AGE, DEFAULT_MAX_COUNT, deviceId);
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
