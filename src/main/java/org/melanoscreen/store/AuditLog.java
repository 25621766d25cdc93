package org.melanoscreen.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * {@code audit.log}: one line per audit event, {@code TIME KIND DEVICE MESSAGE}, appended and fsynced. It mirrors
 * the audit table so that the history can be read with nothing but a text viewer.
 */
final class AuditLog {
    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    static String line(Instant time, String kind, String deviceId, String message) {
        return StoreTime.format(time) + " " + kind + " " + deviceId + " " + oneLine(message) + "\n";
    }

    static String oneLine(String message) {
        return message.replaceAll("\\p{Cntrl}", " ");
    }

    /** One write call per line with O_APPEND, so lines of two processes do not interleave. */
    void append(String line) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
    }

    /** Cuts a last line left unfinished by a crash; the audit table still holds the event. */
    void repair() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
                ch.force(false);
                Logger.warn("{}: removed an unfinished last line of {} bytes left by a crash", file, size - keep);
            }
        }
    }
}
