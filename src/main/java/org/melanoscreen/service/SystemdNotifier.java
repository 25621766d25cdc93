package org.melanoscreen.service;

import com.sun.jna.LastErrorException;
import org.tinylog.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Tells systemd how the service is doing (sd_notify): one datagram per message to the Unix socket named by
 * {@code NOTIFY_SOCKET}, a path or an abstract '@name'. Without {@code NOTIFY_SOCKET} (not started by systemd,
 * or a unit that is not {@code Type=notify}) every call does nothing. A message that cannot be sent is logged and
 * dropped: the service keeps screening, and a watchdog that goes unfed restarts it.
 */
public final class SystemdNotifier {
    private final UnixAddress socket;

    private SystemdNotifier(UnixAddress socket) {
        this.socket = socket;
    }

    /** The notifier for this process: {@code SystemdNotifier.fromEnvironment(System.getenv())}. */
    public static SystemdNotifier fromEnvironment(Map<String, String> environment) {
        String name = environment.get("NOTIFY_SOCKET");
        if (name == null || name.isEmpty()) {
            Logger.debug("NOTIFY_SOCKET not set: not started by systemd, no readiness or watchdog messages");
            return new SystemdNotifier(null);
        }
        try {
            return new SystemdNotifier(UnixAddress.of(name));
        } catch (IllegalArgumentException e) {
            Logger.warn("NOTIFY_SOCKET ignored: {}", e.getMessage());
            return new SystemdNotifier(null);
        }
    }

    /** True when messages go to systemd. */
    public boolean enabled() {
        return socket != null;
    }

    /** Start-up is finished; {@code status} is shown by {@code systemctl status}. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    public void status(String text) {
        send("STATUS=" + oneLine(text));
    }

    /** The service is alive and making progress; must come more often than WatchdogSec=. */
    public void watchdog() {
        send("WATCHDOG=1");
    }

    /** The service is shutting down on purpose. */
    public void stopping() {
        send("STOPPING=1");
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int fd = -1;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            // never block the caller (the appliance thread): a full queue drops the message instead
            LibC.INSTANCE.sendto(fd, bytes, bytes.length, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL, socket.bytes(),
                    socket.length());
        } catch (LastErrorException e) {
            Logger.warn("systemd notification '{}' not sent to {}: {}", message.replace('\n', ' '), socket.name(),
                    e.getMessage());
        } finally {
            if (fd >= 0) {
                LibC.INSTANCE.close(fd);
            }
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
