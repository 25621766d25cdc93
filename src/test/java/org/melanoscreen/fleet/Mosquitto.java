package org.melanoscreen.fleet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto broker for the tests, on a free loopback port with its own configuration in a temporary
 * folder: no anonymous clients, one user from a password file made by mosquitto_passwd, nothing persisted (or,
 * for the service's own test until it reads the credentials file, anonymous clients only).
 */
public final class Mosquitto implements AutoCloseable {
    final int port;
    private final String scheme;
    private final Path config;
    private final Path log;
    private Process process;

    private Mosquitto(Path dir, int port, String scheme) {
        this.port = port;
        this.scheme = scheme;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
    }

    public static Mosquitto start(Path dir, String user, String password) throws Exception {
        Path passwords = dir.resolve("passwd");
        run(List.of("mosquitto_passwd", "-b", "-c", passwords.toString(), user, password));
        return launch(dir, "allow_anonymous false\npassword_file " + passwords + "\n", "tcp");
    }

    public static Mosquitto startAnonymous(Path dir) throws Exception {
        return launch(dir, "allow_anonymous true\n", "tcp");
    }

    /** TLS only, with the server certificate and key (PEM) given, and the one user. */
    static Mosquitto startTls(Path dir, String user, String password, Path certificate, Path key) throws Exception {
        Path passwords = dir.resolve("passwd");
        run(List.of("mosquitto_passwd", "-b", "-c", passwords.toString(), user, password));
        return launch(dir, "certfile " + certificate + "\nkeyfile " + key + "\nallow_anonymous false\npassword_file "
                + passwords + "\n", "ssl");
    }

    private static Mosquitto launch(Path dir, String access, String scheme) throws Exception {
        Mosquitto m = new Mosquitto(dir, freePort(), scheme);
        // "user": as root, mosquitto would otherwise switch to the mosquitto user, who cannot read the temp folder
        Files.writeString(m.config, "listener " + m.port + " 127.0.0.1\n" + access + "persistence false\nuser "
                + System.getProperty("user.name") + "\n");
        m.start();
        return m;
    }

    public String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    /** Starts the broker (again, on the same port) and returns once it accepts connections. */
    void start() throws Exception {
        // Debian installs it in /usr/sbin, which a normal user's PATH lacks
        String binary = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        process = new ProcessBuilder(binary, "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto does not listen on " + port + ": " + Files.readString(log));
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}
