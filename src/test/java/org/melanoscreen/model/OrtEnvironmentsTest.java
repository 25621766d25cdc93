package org.melanoscreen.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtEnvironmentsTest {
    /** Run in a JVM of its own: asks for the environment first from a thread with a 512 KB stack. */
    public static void main(String[] args) throws Exception {
        Thread small = new Thread(null, () -> System.out.println("environment " + (OrtEnvironments.get() != null)),
                "small-stack", 512 * 1024);
        small.start();
        small.join();
    }

    @Test
    void theEnvironmentIsCreatedEvenWhenFirstAskedForOnASmallStack() throws Exception {
        // ONNX Runtime's own getEnvironment() on this thread kills the JVM with SIGSEGV (exit 139)
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), OrtEnvironmentsTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("environment true"), out);
    }
}
