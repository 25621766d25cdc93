package org.melanoscreen.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertCreatedInAChildJvm(List.of());
    }

    @Test
    void theEnvironmentIsCreatedWithALongCommandLine() throws Exception {
        // 200 KB of arguments, as `screen images/*.jpg` gives for 3,500 files: a fixed 16 MB stack dies with SIGSEGV
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            paths.add(String.format("/var/lib/melanoscreen/import/clinic-a/2026-12-02/ISIC_%07d_dermoscopy_view_%04d.jpg",
                    i, i));
        }
        assertTrue(String.join(" ", paths).length() > 150_000);
        assertCreatedInAChildJvm(paths);
    }

    @Test
    void theStackGrowsWithTheCommandLineUpToALimit() {
        assertEquals(16L << 20, OrtEnvironments.initStackBytes(0));
        assertEquals((16L << 20) + 512L * 77_000, OrtEnvironments.initStackBytes(77_000));
        assertEquals((16L << 20) + (1L << 30), OrtEnvironments.initStackBytes(100L << 20));
    }

    private static void assertCreatedInAChildJvm(List<String> extraArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), OrtEnvironmentsTest.class.getName()));
        command.addAll(extraArguments);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("environment true"), out);
    }
}
