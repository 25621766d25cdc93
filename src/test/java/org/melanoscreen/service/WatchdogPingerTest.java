package org.melanoscreen.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchdogPingerTest {
    @TempDir
    Path dir;

    @Test
    void feedsTheWatchdogOnlyWhileTheWorkflowProgresses() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify").toString())) {
            Map<String, String> env = Map.of("NOTIFY_SOCKET", systemd.name(), "WATCHDOG_USEC", "200000");
            AtomicLong stuckAt = new AtomicLong();
            // while running, the workflow's last progress is "now"; once stuck, it stays at the moment it stuck
            WatchdogPinger pinger = WatchdogPinger.start(env, SystemdNotifier.fromEnvironment(env),
                    () -> stuckAt.get() == 0 ? System.nanoTime() : stuckAt.get());
            try {
                List<String> alive = systemd.receiveFor(1000);
                assertTrue(alive.size() >= 6, "pings every 100 ms while progressing: " + alive);
                assertTrue(alive.stream().allMatch("WATCHDOG=1"::equals), alive.toString());

                stuckAt.set(System.nanoTime());
                systemd.receiveFor(250);
                List<String> stuck = systemd.receiveFor(600);
                assertEquals(List.of(), stuck, "no WATCHDOG=1 once progress is older than the period");

                stuckAt.set(0);
                assertEquals("WATCHDOG=1", systemd.receive(1000), "pings resume with progress");
            } finally {
                pinger.close();
            }
        }
    }

    @Test
    void noWatchdogUnlessSystemdAskedThisProcess() throws Exception {
        assertNull(WatchdogPinger.period(Map.of()));
        assertNull(WatchdogPinger.period(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1")));
        assertNull(WatchdogPinger.period(Map.of("WATCHDOG_USEC", "soon")));
        assertEquals(Duration.ofSeconds(30), WatchdogPinger.period(Map.of("WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()))));
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify").toString())) {
            Map<String, String> noWatchdog = Map.of("NOTIFY_SOCKET", systemd.name());
            WatchdogPinger.start(noWatchdog, SystemdNotifier.fromEnvironment(noWatchdog), System::nanoTime).close();
            assertNull(systemd.receive(300), "nothing sent without WATCHDOG_USEC");
        }
    }
}
