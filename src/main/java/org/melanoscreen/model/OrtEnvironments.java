package org.melanoscreen.model;

import ai.onnxruntime.OrtEnvironment;

import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime's environment, created on a thread of its own with a large stack. Creating it (ONNX Runtime
 * 1.29's native initialisation) needs more than 768 KB of stack; a Java thread has 1 MB, less what is in use,
 * and the main thread of a JVM started with a long command line has less still. Created there, it overflows the
 * stack and the JVM dies with SIGSEGV, without a trace and without an error line (measured: `screen` with a
 * 4 KB class path exits 139). Later calls return the same environment.
 */
final class OrtEnvironments {
    private static final long INIT_STACK_BYTES = 16L * 1024 * 1024;
    private static final Object LOCK = new Object();
    private static volatile OrtEnvironment environment;

    private OrtEnvironments() {
    }

    static OrtEnvironment get() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (LOCK) {
            if (environment == null) {
                environment = createOnLargeStack();
            }
            return environment;
        }
    }

    private static OrtEnvironment createOnLargeStack() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                created.set(OrtEnvironment.getEnvironment());
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "onnxruntime-init", INIT_STACK_BYTES);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() instanceof RuntimeException r) {
            throw r;
        }
        if (failed.get() instanceof Error e) {
            throw e;
        }
        return created.get();
    }
}
