package org.melanoscreen.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.Fault;
import org.melanoscreen.workflow.StateChange;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemdNotifierTest {
    @TempDir
    Path dir;

    @Test
    void sendsExactMessagesToASocketPath() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify").toString())) {
            SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name()));
            assertTrue(notifier.enabled());
            notifier.ready("READY: camera\n/dev/video0");
            notifier.status("capturing");
            notifier.watchdog();
            notifier.stopping();
            assertEquals("READY=1\nSTATUS=READY: camera /dev/video0", systemd.receive(1000));
            assertEquals("STATUS=capturing", systemd.receive(1000));
            assertEquals("WATCHDOG=1", systemd.receive(1000));
            assertEquals("STOPPING=1", systemd.receive(1000));
            assertNull(systemd.receive(50));
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws Exception {
        String name = "@melanoscreen-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (FakeNotifySocket systemd = new FakeNotifySocket(name)) {
            SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name)).watchdog();
            assertEquals("WATCHDOG=1", systemd.receive(1000));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of());
        assertFalse(notifier.enabled());
        notifier.ready("ready");
        notifier.watchdog();
        assertFalse(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative/path")).enabled());
    }

    @Test
    void aMissingSocketIsLoggedNotThrown() {
        SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("absent").toString())).ready("ready");
    }

    @Test
    void socketNamesAreChecked() {
        assertEquals(2 + 5 + 1, UnixAddress.of("/a/bc").length());
        assertEquals(2 + 1 + 3, UnixAddress.of("@abc").length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixAddress.of("/" + "x".repeat(107)));
        assertTrue(e.getMessage().contains("longer than 107 bytes"), e.getMessage());
    }

    @Test
    void stateReporterSendsReadyOnceThenStatusLines() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify").toString())) {
            SystemdStateReporter reporter = new SystemdStateReporter(
                    SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name())));
            reporter.stateChanged(change(ApplianceState.BOOTING, null, "software 1.0"));
            reporter.stateChanged(change(ApplianceState.SELF_TEST, null, "checking"));
            reporter.stateChanged(change(ApplianceState.READY, null, "ready: camera /dev/video0"));
            reporter.stateChanged(change(ApplianceState.CAPTURING, null, "capture from button"));
            reporter.stateChanged(change(ApplianceState.READY, null, "ready"));
            assertEquals("STATUS=BOOTING: software 1.0", systemd.receive(1000));
            assertEquals("STATUS=SELF_TEST: checking", systemd.receive(1000));
            assertEquals("READY=1\nSTATUS=READY: ready: camera /dev/video0", systemd.receive(1000));
            assertEquals("STATUS=CAPTURING: capture from button", systemd.receive(1000));
            assertEquals("STATUS=READY: ready", systemd.receive(1000));
        }
    }

    @Test
    void aFaultAtStartUpCountsAsStarted() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify").toString())) {
            SystemdStateReporter reporter = new SystemdStateReporter(
                    SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name())));
            reporter.stateChanged(change(ApplianceState.FAULT, Fault.NO_CAMERA, "/dev/dermatoscope: missing"));
            reporter.stateChanged(change(ApplianceState.READY, null, "ready"));
            assertEquals("READY=1\nSTATUS=FAULT (no camera): /dev/dermatoscope: missing", systemd.receive(1000));
            assertEquals("STATUS=READY: ready", systemd.receive(1000));
        }
    }

    private static StateChange change(ApplianceState state, Fault fault, String detail) {
        return new StateChange(Instant.now(), state, fault, detail);
    }
}
