package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An active buzzer (it sounds by itself when powered) on a GPIO output, through a transistor when it draws more
 * than a few milliamperes. Beeps play one after another on a daemon thread; a failed one is logged once.
 */
public final class Pi4jBuzzer implements Buzzer {
    /** Waits; a seam so that tests need not. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final DigitalOutput output;
    private final ExecutorService player;
    private final Sleeper sleeper;
    private final OnceLog log;

    private Pi4jBuzzer(DigitalOutput output, ExecutorService player, Sleeper sleeper, String name) {
        this.output = output;
        this.player = player;
        this.sleeper = sleeper;
        this.log = new OnceLog(name);
    }

    public static Pi4jBuzzer open(Context pi4j, int pin) {
        return open(pi4j, pin, Thread::sleep);
    }

    static Pi4jBuzzer open(Context pi4j, int pin, Sleeper sleeper) {
        DigitalOutput output = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id("buzzer").name("buzzer")
                .address(pin)
                .initial(DigitalState.LOW)
                .shutdown(DigitalState.LOW));
        ExecutorService player = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "buzzer");
            t.setDaemon(true);
            return t;
        });
        return new Pi4jBuzzer(output, player, sleeper, "Buzzer (BCM " + pin + ")");
    }

    @Override
    public void beep(Beep beep) {
        player.execute(() -> play(beep));
    }

    /** Plays {@code beep} on this thread; the buzzer is silent afterwards, whatever happened. */
    void play(Beep beep) {
        try {
            int[] times = beep.timesMs();
            for (int i = 0; i < times.length; i++) {
                output.state(i % 2 == 0 ? DigitalState.HIGH : DigitalState.LOW);
                sleeper.sleep(times[i]);
            }
            output.state(DigitalState.LOW);
            log.worked();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            silence();
        } catch (RuntimeException e) {
            log.failed(e);
            silence();
        }
    }

    private void silence() {
        try {
            output.state(DigitalState.LOW);
        } catch (RuntimeException e) {
            log.failed(e);
        }
    }

    @Override
    public void close() {
        player.shutdownNow();
        silence();
    }
}
