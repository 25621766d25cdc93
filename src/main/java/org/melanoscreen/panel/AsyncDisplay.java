package org.melanoscreen.panel;

import org.tinylog.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Shows screens on a thread of its own, so that a slow or hung I2C bus never holds up the appliance thread.
 * Only the latest screen matters: one that arrives while another is written replaces any still waiting. A
 * failed write is logged once and the screen tried again every {@code retry} until it, or a newer one, is shown.
 */
public final class AsyncDisplay implements StatusDisplay {
    private final StatusDisplay display;
    private final Duration retry;
    private final OnceLog log;
    private final Thread worker;
    private DisplayScreen pending;
    private boolean closed;

    public AsyncDisplay(StatusDisplay display, String name, Duration retry) {
        this.display = display;
        this.retry = retry;
        this.log = new OnceLog(name);
        this.worker = new Thread(this::run, "display");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public synchronized void show(DisplayScreen screen) {
        pending = screen;
        notifyAll();
    }

    private void run() {
        while (true) {
            DisplayScreen screen;
            synchronized (this) {
                while (pending == null && !closed) {
                    waitQuietly(0);
                }
                if (closed) {
                    return;
                }
                screen = pending;
                pending = null;
            }
            try {
                display.show(screen);
                log.worked();
            } catch (RuntimeException e) {
                log.failed(e);
                synchronized (this) {
                    if (pending == null) {
                        pending = screen;
                    }
                    waitQuietly(retry.toMillis());
                }
            }
        }
    }

    private void waitQuietly(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    /** Waits (a little) for the screen being written, then closes the display. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            Logger.warn("Display writer still busy at shutdown; closing the display anyway");
        }
        try {
            display.close();
        } catch (RuntimeException e) {
            Logger.warn("Display not switched off: {}", e.getMessage());
        }
    }
}
