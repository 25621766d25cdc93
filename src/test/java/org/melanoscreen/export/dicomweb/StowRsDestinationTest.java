package org.melanoscreen.export.dicomweb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.OpenCvLoader;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.store.StoredScreening;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How STOW-RS answers become done, retried or failed, against a scripted HTTP server on loopback. */
class StowRsDestinationTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private volatile int status;
    private volatile String answer;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private StoredScreening screening;

    @BeforeAll
    static void opencv() {
        OpenCvLoader.load();
    }

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dicom-web", this::answer);
        server.start();
        byte[] png;
        try (Frame f = TestImages.lesion(64, 48, 3).toFrame("synthetic")) {
            png = TestImages.encode(f, ".png");
        }
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(dir.resolve("data"), "dev-1"))) {
            long id = store.save(new ScreeningRecord(Instant.parse("2026-12-01T10:00:00Z"), "dev-1", "P-1", null,
                    "LOW", 0.1, "{}", Map.of("cls", "0".repeat(64)), "0.1.0", Map.of("frame.png", png)));
            screening = store.get(id).orElseThrow();
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        requests.add(x.getRequestMethod() + " " + x.getRequestURI() + " " + x.getRequestHeaders().getFirst("Authorization")
                + " " + x.getRequestHeaders().getFirst("Content-Type") + " " + body.length);
        byte[] out = answer.replace("UID", DicomExporter.instanceUid(screening)).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/dicom+json");
        x.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    private StowRsDestination pacs(String auth) throws Exception {
        Path file = dir.resolve("credentials.conf");
        Files.writeString(file, "pacs.token = tok-123\npacs.password = pw\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new StowRsDestination(PacsSettings.parse(Map.of("pacs.url", "http://127.0.0.1:"
                + server.getAddress().getPort() + "/dicom-web/", "pacs.auth", auth, "pacs.username", "dev")),
                Credentials.load(file), new DicomExporter(DicomSettings.parse(Map.of("dicom.image_class",
                "vl-photographic"))));
    }

    private DeliveryException refused(int code, String body) throws Exception {
        status = code;
        answer = body;
        return assertThrows(DeliveryException.class, () -> pacs("none").send(screening));
    }

    @Test
    void anAnswerListingTheInstanceAsStoredIsSuccessAndTheRequestIsMultipartDicomWithTheToken() throws Exception {
        status = 200;
        answer = "{\"00081199\": {\"vr\": \"SQ\", \"Value\": [{\"00081155\": {\"vr\": \"UI\", \"Value\": [\"UID\"]}}]}}";
        pacs("bearer").send(screening);
        assertEquals(1, requests.size());
        String r = requests.get(0);
        assertTrue(r.startsWith("POST /dicom-web/studies Bearer tok-123 multipart/related; type=\"application/dicom\"; "
                + "boundary=melanoscreen-"), r);
    }

    @Test
    void anAnswerThatDoesNotListTheInstanceIsRetried() throws Exception {
        DeliveryException e = refused(200, "{\"00081199\": {\"vr\": \"SQ\", \"Value\": []}}");
        assertFalse(e.permanent());
        assertTrue(e.getMessage().endsWith("the answer does not list instance " + DicomExporter.instanceUid(screening)
                + " as stored"), e.getMessage());
    }

    @Test
    void aFailedSopItemIsPermanentUnlessTheServerIsOutOfResources() throws Exception {
        String failed = "{\"00081198\": {\"vr\": \"SQ\", \"Value\": [{\"00081155\": {\"vr\": \"UI\", \"Value\": "
                + "[\"UID\"]}, \"00081197\": {\"vr\": \"US\", \"Value\": [%d]}}]}}";
        DeliveryException mismatch = refused(409, String.format(failed, 0xA900));
        assertTrue(mismatch.permanent());
        assertTrue(mismatch.getMessage().contains("refused instance " + DicomExporter.instanceUid(screening)
                + ": failure reason 0xA900 (data set does not match SOP class)"), mismatch.getMessage());
        DeliveryException full = refused(202, String.format(failed, 0xA700));
        assertFalse(full.permanent());
        assertTrue(full.getMessage().contains("0xA700 (out of resources)"), full.getMessage());
    }

    @Test
    void statusCodesSayWhetherRetryingCanHelpAndQuoteTheServer() throws Exception {
        for (int code : new int[]{400, 404, 413, 415}) {
            DeliveryException e = refused(code, "{\"Message\": \"bad request body\"}");
            assertTrue(e.permanent(), code + " " + e.getMessage());
            assertTrue(e.getMessage().startsWith("HTTP " + code + " from pacs http://127.0.0.1:"), e.getMessage());
            assertTrue(e.getMessage().endsWith(": {\"Message\": \"bad request body\"}"), e.getMessage());
        }
        for (int code : new int[]{401, 403, 408, 429, 500, 502, 503}) {
            assertFalse(refused(code, "").permanent(), "HTTP " + code);
        }
    }

    @Test
    void theCheckIsAnAuthenticatedQidoQueryAndNamesARefusal() throws Exception {
        status = 200;
        answer = "[]";
        pacs("basic").check();
        assertEquals("GET /dicom-web/studies?limit=1 Basic ZGV2OnB3 null 0", requests.get(0));
        status = 403;
        DeliveryException e = assertThrows(DeliveryException.class, () -> pacs("basic").check());
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("credentials refused"), e.getMessage());
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsRetried() throws Exception {
        server.removeContext("/dicom-web");
        server.createContext("/dicom-web", x -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        Path file = dir.resolve("none.conf");
        StowRsDestination slow = new StowRsDestination(PacsSettings.parse(Map.of("pacs.url", "http://127.0.0.1:"
                + server.getAddress().getPort() + "/dicom-web", "pacs.timeout_s", "1")), Credentials.none(file),
                new DicomExporter(DicomSettings.parse(Map.of("dicom.image_class", "vl-photographic"))));
        DeliveryException e = assertThrows(DeliveryException.class, () -> slow.send(screening));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().endsWith(": no answer within 1 s"), e.getMessage());
    }
}
