package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A write that proves the data folder can take a result now. */
final class WriteProbe {
    /** One file-system block: enough to prove that a new file gets an inode and a block. */
    private static final int PROBE_BYTES = 4096;
    /** A result's folder holds frame, mask, overlay and JSON: the probe takes as many inodes (folder included). */
    private static final int PROBE_FILES = 4;

    private WriteProbe() {
    }

    /**
     * Proves that a result can be stored now: creates in the data folder a folder of as many files as a result
     * has, writes and fsyncs a block (after a save that failed for want of space: as many bytes as that screening
     * had), deletes them. Throws with the reason (no space, no inodes, read-only, I/O error) when it cannot.
     */
    static void prove(Path incoming, WriteHook hook, long unstoredBytes) throws StoreException {
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
            ResultStore.deleteQuietly(probe);
            throw new StoreException("data folder " + incoming.getParent() + ": not writable (" + DurableFiles.reason(e)
                    + "); results cannot be stored", e);
        }
    }
}
