package org.melanoscreen.analysis;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's second core: one daemon thread for the work that runs beside the models (the quality gate and the
 * measurements beside the classifier, the next file's preparation beside the segmenter). Close it to end the thread.
 */
final class SecondThread implements AutoCloseable {
    static final String NAME = "screening-second-thread";
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, NAME);
        thread.setDaemon(true);
        return thread;
    });

    <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /** Waits for a task even when interrupted (they take about a millisecond); keeps the interrupt. */
    static <T> T await(Future<T> beside) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return beside.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the thread; a task in progress finishes first. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
