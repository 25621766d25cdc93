package org.melanoscreen.workflow;

import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.SyntheticLesion;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** A frame source whose n-th grab fails when the script says so; other grabs give synthetic lesions. */
final class ScriptedSource implements FrameSource {
    private final IntPredicate fails;
    private final SyntheticLesion.Spec spec;
    private final long grabDelayMs;
    final AtomicInteger grabs = new AtomicInteger();
    volatile boolean closed;

    ScriptedSource(IntPredicate fails, SyntheticLesion.Spec spec, long grabDelayMs) {
        this.fails = fails;
        this.spec = spec;
        this.grabDelayMs = grabDelayMs;
    }

    static ScriptedSource healthy() {
        return new ScriptedSource(n -> false, SyntheticLesion.Spec.defaults(320, 240, 1), 0);
    }

    @Override
    public Frame grab() throws CaptureException {
        int n = grabs.getAndIncrement();
        if (grabDelayMs > 0) {
            try {
                Thread.sleep(grabDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fails.test(n)) {
            throw new CaptureException("scripted camera: read failed at grab " + n);
        }
        return SyntheticLesion.generate(spec).toFrame("scripted " + n);
    }

    @Override
    public String describe() {
        return "scripted source";
    }

    @Override
    public void close() {
        closed = true;
    }
}
