package org.melanoscreen.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Plays systemd: a bound Unix datagram socket (path or '@abstract') that collects sd_notify messages. */
final class FakeNotifySocket implements AutoCloseable {
    private static final int EAGAIN = 11;

    interface Calls extends Library {
        Calls INSTANCE = Native.load("c", Calls.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

        long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final String name;
    private final int fd;

    FakeNotifySocket(String name) {
        this.name = name;
        UnixAddress address = UnixAddress.of(name);
        fd = Calls.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        Calls.INSTANCE.bind(fd, address.bytes(), address.length());
    }

    /** The value systemd would put in NOTIFY_SOCKET. */
    String name() {
        return name;
    }

    /** The next message, or null when none arrives within {@code timeoutMs}. */
    String receive(long timeoutMs) throws InterruptedException {
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                long n = Calls.INSTANCE.recv(fd, buffer, buffer.length, LibC.MSG_DONTWAIT);
                return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EAGAIN) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(5);
        }
    }

    /** Every message that arrives within {@code ms}. */
    List<String> receiveFor(long ms) throws InterruptedException {
        List<String> messages = new ArrayList<>();
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            String m = receive(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (m != null) {
                messages.add(m);
            }
        }
        return messages;
    }

    @Override
    public void close() throws IOException {
        Calls.INSTANCE.close(fd);
        if (name.startsWith("/")) {
            Files.deleteIfExists(Path.of(name));
        }
    }
}
