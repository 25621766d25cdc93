package org.melanoscreen.export.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Orthanc with its DICOMweb plugin as a child process on a free loopback port, authentication on, its
 * storage and configuration in a test's folder. Stopping and starting again keeps the port and the storage.
 */
public final class Orthanc implements AutoCloseable {
    public static final String USER = "device";
    public static final String PASSWORD = "orthanc-Test-pw";
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/Orthanc"), Path.of("/usr/bin/Orthanc"));
    private static final List<Path> PLUGINS = List.of(Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
            Path.of("/usr/lib/orthanc/libOrthancDicomWeb.so"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Process process;

    private Orthanc(Path folder, int port) {
        this.folder = folder;
        this.port = port;
    }

    /** Why the tests cannot run here (no Orthanc or no DICOMweb plugin), or empty. */
    public static Optional<String> missing() {
        if (binary().isEmpty()) {
            return Optional.of("Orthanc is not installed (apt-get install orthanc orthanc-dicomweb, or device/dev-setup.sh)");
        }
        if (plugin().isEmpty()) {
            return Optional.of("Orthanc's DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)");
        }
        return Optional.empty();
    }

    /** Writes the configuration and starts Orthanc; returns once {@code /system} answers. */
    public static Orthanc start(Path folder) throws Exception {
        Orthanc o = new Orthanc(folder, freePort());
        o.writeConfiguration();
        o.start();
        return o;
    }

    private void writeConfiguration() throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("Name", "melanoscreen-test");
        c.put("StorageDirectory", folder.resolve("storage").toString());
        c.put("IndexDirectory", folder.resolve("storage").toString());
        c.put("HttpPort", port);
        c.put("RemoteAccessAllowed", false);
        c.put("DicomServerEnabled", false);
        c.put("AuthenticationEnabled", true);
        c.putObject("RegisteredUsers").put(USER, PASSWORD);
        c.putArray("Plugins").add(plugin().orElseThrow().toString());
        c.putObject("DicomWeb").put("Enable", true).put("Root", "/dicom-web/");
        c.put("StorageCompression", false);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("orthanc.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
    }

    /** Starts the process again (same port, same storage) and waits for {@code /system}. */
    public void start() throws Exception {
        process = new ProcessBuilder(binary().orElseThrow().toString(), folder.resolve("orthanc.json").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("orthanc.log")
                        .toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("Orthanc did not start: " + Files.readString(folder.resolve("orthanc.log")));
            }
            Thread.sleep(50);
        }
    }

    /** Kills the process (SIGKILL) and waits until it is gone, so its port is free. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The DICOMweb base URL. */
    public URI dicomWeb() {
        return URI.create("http://127.0.0.1:" + port + "/dicom-web");
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(authorised(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(r.body());
    }

    public JsonNode post(String path, String body) throws Exception {
        HttpResponse<byte[]> r = http.send(authorised(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(r.body());
    }

    private HttpRequest.Builder authorised(String path) {
        return HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    private static Optional<Path> binary() {
        return BINARIES.stream().filter(Files::isExecutable).findFirst();
    }

    private static Optional<Path> plugin() {
        return PLUGINS.stream().filter(Files::isRegularFile).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
