package org.melanoscreen.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times in the index: UTC with nine fraction digits, so text order is time order and no precision is lost. */
final class StoreTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FOLDER =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private StoreTime() {
    }

    static String format(Instant t) {
        return FORMAT.format(t);
    }

    static Instant parse(String s) {
        return Instant.parse(s);
    }

    static String folderPrefix(Instant t) {
        return FOLDER.format(t);
    }
}
