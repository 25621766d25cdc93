package org.melanoscreen.capture;

import org.melanoscreen.imaging.Frame;

import java.util.Locale;

/**
 * Wraps a source and breaks it on purpose for a window of grabs, to test how the service copes with a camera
 * that fails (every grab in the window throws, as while unplugged) or freezes (every grab in the window returns
 * a copy of the last good frame, as a hung driver does).
 */
public final class FaultInjectingSource implements FrameSource {
    public enum Fault { FAIL, FREEZE }

    private final FrameSource inner;
    private final Fault fault;
    private final int fromGrab;
    private final int grabs;
    private int count;
    private Frame last;

    /**
     * @param fromGrab the first faulty grab, counting from 1
     * @param grabs    how many grabs in a row are faulty
     */
    public FaultInjectingSource(FrameSource inner, Fault fault, int fromGrab, int grabs) {
        if (fromGrab < 1 || grabs < 0) {
            throw new IllegalArgumentException("fault window must start at grab 1 or later and not be negative: "
                    + fromGrab + ", " + grabs);
        }
        this.inner = inner;
        this.fault = fault;
        this.fromGrab = fromGrab;
        this.grabs = grabs;
    }

    @Override
    public Frame grab() throws CaptureException {
        count++;
        boolean faulty = count >= fromGrab && count < fromGrab + grabs;
        if (faulty && fault == Fault.FAIL) {
            throw new CaptureException(inner.describe() + ": injected failure (grab " + count + ")");
        }
        Frame frame = inner.grab();
        if (fault == Fault.FREEZE) {
            if (faulty && last != null) {
                frame.close();
                return copy(last);
            }
            if (last != null) {
                last.close();
            }
            last = copy(frame);
        }
        return frame;
    }

    @Override
    public String describe() {
        return inner.describe() + " with " + fault.name().toLowerCase(Locale.ROOT) + " injected at grabs "
                + fromGrab + ".." + (fromGrab + grabs - 1);
    }

    @Override
    public void close() {
        if (last != null) {
            last.close();
        }
        inner.close();
    }

    private static Frame copy(Frame frame) {
        return new Frame(frame.rgb().clone(), frame.source());
    }
}
