package org.melanoscreen.analysis;

import org.melanoscreen.imaging.ImageException;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Future;

/**
 * Prepares a list of image files one ahead of the screening: while the caller screens file i, the pipeline's second
 * thread decodes file i+1 and prepares it for the segmenter (that core idles while the segmenter runs). Frames come
 * out in the files' order; a file that cannot be decoded comes out as its {@link ImageException} and the next one
 * follows. Close it to release a frame prepared ahead but never taken.
 */
public final class ReadAhead implements AutoCloseable {
    /** Decodes and prepares one file, adding each step's time to the timings. */
    interface Preparation {
        PreparedFrame prepare(Path file, StageTimings timings) throws ImageException;
    }

    private final List<Path> files;
    private final SecondThread executor;
    private final Preparation preparation;
    private int nextIndex;
    private Future<Prepared> ahead;

    /** One file's preparation: the frame or why there is none, and the time each step took. */
    private record Prepared(PreparedFrame frame, ImageException failure, StageTimings timings) {
    }

    ReadAhead(List<Path> files, SecondThread executor, Preparation preparation) {
        this.files = files;
        this.executor = executor;
        this.preparation = preparation;
    }

    public boolean hasNext() {
        return nextIndex < files.size();
    }

    /**
     * The next file's prepared frame, owned by the caller. Its timings start now: the steps that made it count as
     * stages that ran beside, and any wait for them towards the total.
     */
    public PreparedFrame next() throws ImageException {
        StageTimings timings = new StageTimings();
        if (!hasNext()) {
            throw new NoSuchElementException("no more files");
        }
        Future<Prepared> current = ahead != null ? ahead : prepareBeside(files.get(nextIndex));
        nextIndex++;
        ahead = hasNext() ? prepareBeside(files.get(nextIndex)) : null;
        Prepared prepared = SecondThread.await(current);
        timings.stopWaiting();
        timings.addBeside(prepared.timings());
        if (prepared.failure() != null) {
            throw prepared.failure();
        }
        return prepared.frame().timedBy(timings);
    }

    private Future<Prepared> prepareBeside(Path file) {
        return executor.submit(() -> {
            StageTimings timings = new StageTimings();
            try {
                return new Prepared(preparation.prepare(file, timings), null, timings);
            } catch (ImageException e) {
                return new Prepared(null, e, timings);
            }
        });
    }

    /** Waits for a preparation still ahead and releases its frame. */
    @Override
    public void close() {
        if (ahead != null) {
            Prepared prepared = SecondThread.await(ahead);
            ahead = null;
            if (prepared.frame() != null) {
                prepared.frame().close();
            }
        }
    }
}
