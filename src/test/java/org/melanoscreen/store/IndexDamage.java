package org.melanoscreen.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Garbage written over pages of a closed {@code results.db}, as a failing card might leave them. */
public final class IndexDamage {
    private static final int PAGE = 4096;

    private IndexDamage() {
    }

    /** A store in {@code dataFolder} whose index spans a few dozen pages (audit lines), closed. */
    public static void createStoreOfManyPages(Path dataFolder) throws StoreException {
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(dataFolder, "test-device"))) {
            for (int i = 0; i < 200; i++) {
                store.audit("CONFIG", "filler line " + i + " ".repeat(200));
            }
        }
    }

    /** Random bytes over the middle third of the pages. */
    public static void overwriteMiddlePages(Path db) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            long pages = f.length() / PAGE;
            Random random = new Random(11);
            for (long p = pages / 3; p < 2 * pages / 3; p++) {
                overwrite(f, p, random);
            }
        }
    }

    /** Random bytes over the page that holds the first occurrence of {@code text}. */
    static void overwritePageHolding(Path db, String text) throws IOException {
        byte[] content = Files.readAllBytes(db);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        long at = -1;
        search:
        for (int i = 0; i + needle.length <= content.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (content[i + j] != needle[j]) {
                    continue search;
                }
            }
            at = i;
            break;
        }
        if (at < PAGE) {
            throw new IllegalStateException(text + " not found in a data page of " + db);
        }
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            overwrite(f, at / PAGE, new Random(3));
        }
    }

    private static void overwrite(RandomAccessFile f, long page, Random random) throws IOException {
        byte[] garbage = new byte[PAGE];
        random.nextBytes(garbage);
        f.seek(page * PAGE);
        f.write(garbage);
    }
}
