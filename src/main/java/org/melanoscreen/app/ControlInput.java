package org.melanoscreen.app;

import org.melanoscreen.workflow.Appliance;
import org.tinylog.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Development triggers: lines on standard input or on a local Unix socket.
 * {@code capture [patient=REF] [lesion=REF]} (or an empty line on the console), {@code cancel}, {@code status},
 * and on the console {@code quit}.
 */
final class ControlInput implements AutoCloseable {
    private final Appliance appliance;
    private final Runnable quit;
    private ServerSocketChannel server;
    private Path socketPath;

    ControlInput(Appliance appliance, Runnable quit) {
        this.appliance = appliance;
        this.quit = quit;
    }

    void readConsole(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    String reply = command(line.isBlank() ? "capture" : line, "console");
                    if (reply != null) {
                        System.out.println(reply);
                    }
                }
            } catch (IOException e) {
                Logger.warn("Console input closed: {}", e.getMessage());
            }
        }, "console-input");
        t.setDaemon(true);
        t.start();
    }

    void listen(Path path) throws IOException {
        Files.deleteIfExists(path);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        socketPath = path;
        Thread t = new Thread(this::accept, "control-socket");
        t.setDaemon(true);
        t.start();
        Logger.info("Control socket listening at {}", path);
    }

    private void accept() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                         StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    String reply = command(line, "socket");
                    out.println(reply == null ? "ok" : reply);
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    Logger.warn("Control socket client failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Runs one command line; returns a reply, or null when there is nothing to say. */
    String command(String line, String origin) {
        String[] words = line.trim().split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "capture" -> {
                String patient = null;
                String lesion = null;
                for (int i = 1; i < words.length; i++) {
                    if (words[i].startsWith("patient=")) {
                        patient = words[i].substring("patient=".length());
                    } else if (words[i].startsWith("lesion=")) {
                        lesion = words[i].substring("lesion=".length());
                    } else {
                        return "error: unknown argument '" + words[i] + "' (use patient=REF lesion=REF)";
                    }
                }
                appliance.trigger(origin, patient, lesion);
                return null;
            }
            case "cancel" -> {
                appliance.cancel();
                return null;
            }
            case "status" -> {
                return "state " + appliance.state() + (appliance.fault() == null ? "" : " " + appliance.fault().label());
            }
            case "quit" -> {
                if (!origin.equals("console")) {
                    return "error: quit is only accepted on the console";
                }
                quit.run();
                return null;
            }
            default -> {
                return "error: unknown command '" + words[0] + "' (capture, cancel, status, quit)";
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                Logger.warn("Closing the control socket failed: {}", e.getMessage());
            }
        }
    }
}
