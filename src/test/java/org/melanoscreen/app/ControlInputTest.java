package org.melanoscreen.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.workflow.Appliance;
import org.melanoscreen.workflow.ApplianceSettings;
import org.melanoscreen.workflow.Resources;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The development control lines, on the console and on the Unix socket. */
class ControlInputTest {
    @TempDir
    Path tmp;

    private final AtomicBoolean quit = new AtomicBoolean();
    private Appliance appliance;
    private ControlInput control;

    /** An appliance that never gets past its self-test: enough to answer status and accept commands. */
    private void start() {
        Resources broken = new Resources() {
            @Override
            public ModelSet loadModels() throws ModelException {
                throw new ModelException("no models in this test");
            }

            @Override
            public String modelFilesState() {
                return "none";
            }

            @Override
            public FrameSource openSource() throws CaptureException {
                throw new CaptureException("no camera in this test");
            }

            @Override
            public ResultStore openStore() throws StoreException {
                throw new StoreException("no store in this test");
            }
        };
        appliance = new Appliance(new ApplianceSettings(1, 1, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(30), false), broken, models -> null, "test", "test");
        appliance.start();
        control = new ControlInput(appliance, () -> quit.set(true));
    }

    @AfterEach
    void stop() {
        control.close();
        appliance.close();
    }

    @Test
    void commandsAndTheirErrors() throws Exception {
        start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (appliance.fault() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("state FAULT storage unavailable", control.command("status", "socket"));
        assertEquals(null, control.command("capture patient=P-1 lesion=L-2", "socket"));
        assertTrue(control.command("capture room=4", "socket").startsWith("error: unknown argument 'room=4'"));
        assertTrue(control.command("reboot", "socket").startsWith("error: unknown command 'reboot'"));
        assertEquals("error: quit is only accepted on the console", control.command("quit", "socket"));
        assertFalse(quit.get());
        control.command("quit", "console");
        assertTrue(quit.get());
    }

    @Test
    void socketAnswersLineByLine() throws Exception {
        start();
        Path socket = tmp.resolve("run/control.sock");
        control.listen(socket);
        assertTrue(Files.exists(socket));
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                    StandardCharsets.UTF_8));
            out.println("status");
            assertTrue(in.readLine().startsWith("state "));
            out.println("cancel");
            assertEquals("ok", in.readLine());
        }
        control.close();
        assertFalse(Files.exists(socket), "the socket file is removed on close");
    }
}
