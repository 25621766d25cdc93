package org.melanoscreen.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The lock file ({@code store.lock}) that makes one process at a time the store's owner. */
final class OwnerLock {
    private static final String LOCK = "store.lock";

    private OwnerLock() {
    }

    /** The lock on {@code folder}, held until the returned channel is closed. */
    static FileChannel acquire(Path folder) throws StoreException {
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
            closeQuietly(ch);
            throw new StoreException("data folder " + folder + ": already open in this process", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StoreException(file + ": cannot be locked (" + DurableFiles.reason(e) + ")", e);
        } catch (StoreException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    static void closeQuietly(FileChannel lock) {
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException e) {
            Logger.warn("Releasing the store lock failed: {}", e.getMessage());
        }
    }
}
