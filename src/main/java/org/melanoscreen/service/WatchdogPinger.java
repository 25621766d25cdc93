package org.melanoscreen.service;

import org.tinylog.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Feeds systemd's watchdog ({@code WatchdogSec=}) every half period, but only while the workflow makes progress:
 * when {@code lastProgressNanos} (a {@link System#nanoTime()} value) is older than the period, WATCHDOG=1 is
 * withheld, so a stuck capture or analysis gets the service killed and restarted ({@code Restart=on-failure}).
 * Does nothing when systemd asked for no watchdog ({@code WATCHDOG_USEC} unset) or asked another process
 * ({@code WATCHDOG_PID}).
 */
public final class WatchdogPinger implements AutoCloseable {
    private final SystemdNotifier notifier;
    private final LongSupplier lastProgressNanos;
    private final long periodNanos;
    private final ScheduledExecutorService scheduler;
    private boolean withholding;

    private WatchdogPinger(SystemdNotifier notifier, LongSupplier lastProgressNanos, Duration period) {
        this.notifier = notifier;
        this.lastProgressNanos = lastProgressNanos;
        this.periodNanos = period.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "systemd-watchdog");
            t.setDaemon(true);
            return t;
        });
        long halfMicros = Math.max(1, period.toNanos() / 2000);
        scheduler.scheduleAtFixedRate(this::tick, 0, halfMicros, TimeUnit.MICROSECONDS);
    }

    /**
     * Starts feeding the watchdog if systemd asked for one:
     * {@code WatchdogPinger.start(System.getenv(), notifier, appliance::lastProgressNanos)}. Close it on shutdown.
     */
    public static WatchdogPinger start(Map<String, String> environment, SystemdNotifier notifier,
                                       LongSupplier lastProgressNanos) {
        Duration period = period(environment);
        if (period == null || !notifier.enabled()) {
            return new WatchdogPinger();
        }
        Logger.info("systemd watchdog every {} ms while the workflow makes progress", period.toMillis() / 2);
        return new WatchdogPinger(notifier, lastProgressNanos, period);
    }

    private WatchdogPinger() {
        this.notifier = null;
        this.lastProgressNanos = null;
        this.periodNanos = 0;
        this.scheduler = null;
    }

    /** WATCHDOG_USEC as a duration, or null when this process has no watchdog. */
    static Duration period(Map<String, String> environment) {
        String usec = environment.get("WATCHDOG_USEC");
        if (usec == null || usec.isEmpty()) {
            return null;
        }
        String pid = environment.get("WATCHDOG_PID");
        if (pid != null && !pid.isEmpty() && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            Logger.debug("WATCHDOG_PID {} is another process: no watchdog here", pid);
            return null;
        }
        try {
            long micros = Long.parseLong(usec.strip());
            if (micros <= 0) {
                throw new NumberFormatException("not positive");
            }
            return Duration.ofNanos(Math.multiplyExact(micros, 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            Logger.warn("WATCHDOG_USEC '{}' ignored: not a positive number of microseconds", usec);
            return null;
        }
    }

    private void tick() {
        long idle = System.nanoTime() - lastProgressNanos.getAsLong();
        if (idle < periodNanos) {
            if (withholding) {
                Logger.info("Workflow progressing again; watchdog fed");
                withholding = false;
            }
            notifier.watchdog();
        } else if (!withholding) {
            withholding = true;
            Logger.error("Workflow made no progress for {} ms; watchdog no longer fed, systemd will restart the service",
                    idle / 1_000_000);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
