package org.melanoscreen.panel;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Patterns, blinking and the lamp test over plain lamp switches. A daemon thread toggles the blink phase; every
 * tick writes all three lamps, so a write that failed is retried on the next tick.
 */
public final class BlinkingLights implements IndicatorLights {
    static final long BLINK_HALF_PERIOD_MS = 400;
    private static final long LAMP_TEST_STEP_MS = 300;

    private final Lamps lamps;
    private final OnceLog log;
    private final ScheduledExecutorService blinker;
    private LightPattern pattern = LightPattern.OFF;
    private boolean blinkOn = true;
    private boolean inLampTest;

    /** Lamps that blink by themselves, on a daemon thread. */
    public static BlinkingLights started(Lamps lamps, String name) {
        ScheduledExecutorService blinker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lights-blink");
            t.setDaemon(true);
            return t;
        });
        BlinkingLights lights = new BlinkingLights(lamps, name, blinker);
        blinker.scheduleAtFixedRate(lights::tickQuietly, BLINK_HALF_PERIOD_MS, BLINK_HALF_PERIOD_MS,
                TimeUnit.MILLISECONDS);
        return lights;
    }

    /** Lamps whose blink phase moves only when {@link #tick()} is called (tests). */
    static BlinkingLights manual(Lamps lamps, String name) {
        return new BlinkingLights(lamps, name, null);
    }

    private BlinkingLights(Lamps lamps, String name, ScheduledExecutorService blinker) {
        this.lamps = lamps;
        this.log = new OnceLog(name);
        this.blinker = blinker;
    }

    @Override
    public synchronized void show(LightPattern next) {
        if (next != pattern) {
            pattern = next;
            blinkOn = true;
        }
        write();
    }

    /** Moves the blink phase on and writes the lamps; throws when a lamp cannot be switched. */
    synchronized void tick() {
        blinkOn = !blinkOn;
        if (!inLampTest) {
            write();
        }
    }

    private void tickQuietly() {
        try {
            tick();
            log.worked();
        } catch (RuntimeException e) {
            log.failed(e);
        }
    }

    private void write() {
        for (Lamp lamp : Lamp.values()) {
            lamps.set(lamp, pattern.lit(lamp, blinkOn));
        }
    }

    @Override
    public void lampTest() {
        synchronized (this) {
            inLampTest = true;
        }
        try {
            for (Lamp lamp : Lamp.values()) {
                synchronized (this) {
                    for (Lamp other : Lamp.values()) {
                        lamps.set(other, other == lamp);
                    }
                }
                Thread.sleep(LAMP_TEST_STEP_MS);
            }
            synchronized (this) {
                for (Lamp lamp : Lamp.values()) {
                    lamps.set(lamp, true);
                }
            }
            Thread.sleep(LAMP_TEST_STEP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                inLampTest = false;
            }
        }
        show(LightPattern.OFF);
    }

    @Override
    public void close() {
        if (blinker != null) {
            blinker.shutdownNow();
        }
        try {
            synchronized (this) {
                pattern = LightPattern.OFF;
                write();
            }
        } catch (RuntimeException e) {
            log.failed(e);
        } finally {
            lamps.close();
        }
    }
}
