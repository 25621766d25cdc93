package org.melanoscreen.analysis;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Decodes a list of image files one ahead of the screening: while the caller screens file i, the pipeline's second
 * thread decodes file i+1 (that core idles while the segmenter runs). Frames come out in the files' order; a file
 * that cannot be decoded comes out as its {@link ImageException} and the next one follows. Close it to release a
 * frame decoded ahead but never taken.
 */
public final class ReadAheadDecoder implements AutoCloseable {
    private final ImageDecoder decoder;
    private final List<Path> files;
    private final ExecutorService executor;
    private int nextIndex;
    private Future<Decoded> ahead;

    /** One file's decode: the frame or why there is none, and the milliseconds it took. */
    private record Decoded(Frame frame, ImageException failure, double ms) {
    }

    ReadAheadDecoder(ImageDecoder decoder, List<Path> files, ExecutorService executor) {
        this.decoder = decoder;
        this.files = files;
        this.executor = executor;
    }

    public boolean hasNext() {
        return nextIndex < files.size();
    }

    /**
     * The next file's frame, owned by the caller. The decode is added to {@code timings} as a stage that ran beside
     * and any wait for it to the total.
     */
    public Frame next(StageTimings timings) throws ImageException {
        if (!hasNext()) {
            throw new NoSuchElementException("no more files");
        }
        Future<Decoded> current = ahead != null ? ahead : decodeBeside(files.get(nextIndex));
        nextIndex++;
        ahead = hasNext() ? decodeBeside(files.get(nextIndex)) : null;
        Decoded decoded = ScreeningPipeline.awaitBeside(current);
        timings.stopWaiting();
        timings.addBeside(StageTimings.DECODE, decoded.ms());
        if (decoded.failure() != null) {
            throw decoded.failure();
        }
        return decoded.frame();
    }

    private Future<Decoded> decodeBeside(Path file) {
        return executor.submit(() -> {
            long t0 = System.nanoTime();
            try {
                Frame frame = decoder.decode(file);
                return new Decoded(frame, null, (System.nanoTime() - t0) / 1e6);
            } catch (ImageException e) {
                return new Decoded(null, e, (System.nanoTime() - t0) / 1e6);
            }
        });
    }

    /** Waits for a decode still ahead and releases its frame. */
    @Override
    public void close() {
        if (ahead != null) {
            Decoded decoded = ScreeningPipeline.awaitBeside(ahead);
            ahead = null;
            if (decoded.frame() != null) {
                decoded.frame().close();
            }
        }
    }
}
