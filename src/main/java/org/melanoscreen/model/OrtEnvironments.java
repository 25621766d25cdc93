package org.melanoscreen.model;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime's environment, created on a thread of its own with a large stack. Creating it (ONNX Runtime
 * 1.29's native initialisation) needs more than 768 KB of stack, and it reads the process's command line
 * ({@code /proc/self/cmdline}) with about 250 bytes of stack per byte of it: `screen` given 1,501 image paths
 * (77 KB) needs 16-20 MB. Created on a thread with too little, it overflows the stack and the JVM dies with
 * SIGSEGV, without a trace and without an error line (measured: `screen` with a 4 KB class path, or with 1,400
 * paths of a folder expanded by the shell, exits 139). The stack is therefore sized from the command line's
 * length, with a safety factor of two; it is address space reserved, touched only as far as used. Later calls
 * return the same environment.
 */
final class OrtEnvironments {
    private static final long BASE_STACK_BYTES = 16L * 1024 * 1024;
    private static final long STACK_BYTES_PER_COMMAND_LINE_BYTE = 512;
    /** Linux limits a command line to 2 MB (ARG_MAX): at most 1 GB of address space plus the base. */
    private static final long MAX_STACK_BYTES = BASE_STACK_BYTES + STACK_BYTES_PER_COMMAND_LINE_BYTE * 2 * 1024 * 1024;
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

    /** The stack for the thread that creates the environment, for a command line of this many bytes. */
    static long initStackBytes(long commandLineBytes) {
        return Math.min(MAX_STACK_BYTES, BASE_STACK_BYTES + STACK_BYTES_PER_COMMAND_LINE_BYTE
                * Math.max(0, commandLineBytes));
    }

    /** The length of this process's command line as ONNX Runtime reads it; 0 where the system does not show it. */
    private static long commandLineBytes() {
        try {
            return Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        } catch (IOException | RuntimeException e) {
            return 0;
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
        }, "onnxruntime-init", initStackBytes(commandLineBytes()));
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
