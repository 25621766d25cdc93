package org.melanoscreen.export.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import org.melanoscreen.json.Json;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoredScreening;
import org.melanoscreen.tls.TrustStores;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;

/**
 * The clinic's PACS over DICOMweb: {@link #send} posts a screening's DICOM object by STOW-RS
 * ({@code POST {url}/studies}, {@code multipart/related; type="application/dicom"}) and returns only when the
 * server's answer names the instance as stored; {@link #check} is an authenticated QIDO-RS query
 * ({@code GET {url}/studies?limit=1}). Refusals of the content (4xx other than 401, 403, 408 and 429; an instance
 * in the Failed SOP Sequence with a failure reason other than out of resources) are permanent; everything else
 * (no connection, timeout, 5xx, credentials refused: an installer can fix those) is retried. A reason quotes the
 * server (its status and failure reason) but never the credentials.
 */
public final class StowRsDestination implements Destination {
    public static final String NAME = "pacs";
    /** How much of a server's error text a reason quotes. */
    private static final int QUOTED = 300;
    private static final String FAILED_SOP_SEQUENCE = "00081198";
    private static final String REFERENCED_SOP_SEQUENCE = "00081199";
    private static final String SOP_INSTANCE_UID = "00081155";
    private static final String FAILURE_REASON = "00081197";

    private final PacsSettings settings;
    private final DicomExporter dicom;
    private final HttpClient http;
    private final String authorization;

    /**
     * @throws IllegalArgumentException when the settings need a secret the credentials lack, or the trust store
     *                                  cannot be read: a setup error naming the file or key
     */
    public StowRsDestination(PacsSettings settings, Credentials credentials, DicomExporter dicom) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("pacs.url is empty: no PACS configured");
        }
        this.settings = settings;
        this.dicom = dicom;
        this.authorization = switch (settings.auth()) {
            case NONE -> null;
            case BASIC -> "Basic " + Base64.getEncoder().encodeToString((settings.username() + ":"
                    + credentials.require("pacs.password", "pacs.auth = basic")).getBytes(StandardCharsets.UTF_8));
            case BEARER -> "Bearer " + credentials.require("pacs.token", "pacs.auth = bearer");
        };
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER);
        if (settings.trustStore() != null) {
            b.sslContext(trusting(settings, credentials));
        }
        this.http = b.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void send(StoredScreening s) throws DeliveryException {
        byte[] file;
        try {
            file = dicom.file(s);
        } catch (StoreException | IllegalArgumentException e) {
            throw new DeliveryException("screening " + s.id() + " cannot be made a DICOM object: " + e.getMessage(),
                    true, e);
        }
        String uid = DicomExporter.instanceUid(s);
        String boundary = "melanoscreen-" + UUID.randomUUID();
        HttpResponse<String> r = exchange(request(settings.url() + "/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, file))).build());
        JsonNode answer = json(r.body());
        JsonNode failed = instance(answer.path(FAILED_SOP_SEQUENCE), uid);
        if (failed != null) {
            int reason = failed.path(FAILURE_REASON).path("Value").path(0).asInt(-1);
            // A7xx: out of resources, which may pass; every other reason is about the object itself
            boolean outOfResources = (reason & 0xFF00) == 0xA700;
            throw new DeliveryException(from(r) + " refused instance " + uid + ": failure reason "
                    + (reason < 0 ? "not given" : String.format("0x%04X", reason)) + describe(reason),
                    !outOfResources);
        }
        if (r.statusCode() >= 400) {
            throw statusError(r);
        }
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            throw new DeliveryException(from(r) + ": unexpected answer to STOW-RS" + quote(r.body()), false);
        }
        if (answer.has(REFERENCED_SOP_SEQUENCE) && instance(answer.path(REFERENCED_SOP_SEQUENCE), uid) == null) {
            throw new DeliveryException(from(r) + ": the answer does not list instance " + uid + " as stored", false);
        }
    }

    @Override
    public void check() throws DeliveryException {
        HttpResponse<String> r = exchange(request(settings.url() + "/studies?limit=1")
                .header("Accept", "application/dicom+json").GET().build());
        if (r.statusCode() >= 300) {
            throw statusError(r);
        }
    }

    /** What selftest says of a passed check. */
    public String describe() {
        return "DICOMweb at " + settings.url() + " reachable" + (settings.auth() == PacsSettings.Auth.NONE ? ""
                : ", " + settings.auth().name().toLowerCase(java.util.Locale.ROOT) + " credentials accepted");
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(settings.timeout());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> exchange(HttpRequest request) throws DeliveryException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException(NAME + " at " + settings.url() + ": no answer within "
                    + settings.timeout().toSeconds() + " s", false, e);
        } catch (IOException e) {
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw new DeliveryException(NAME + " at " + settings.url() + ": cannot be reached (" + why + ")", false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(NAME + ": interrupted (the service is stopping)", false, e);
        }
    }

    private DeliveryException statusError(HttpResponse<String> r) {
        int code = r.statusCode();
        boolean mayPass = code >= 500 || code == 401 || code == 403 || code == 408 || code == 429;
        String hint = code == 401 || code == 403 ? " (credentials refused: check pacs.auth, pacs.username and the "
                + "credentials file)" : "";
        return new DeliveryException(from(r) + hint + quote(r.body()), !mayPass);
    }

    private String from(HttpResponse<String> r) {
        return "HTTP " + r.statusCode() + " from " + NAME + " " + r.uri();
    }

    private static String quote(String body) {
        String s = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return s.isEmpty() ? "" : ": " + (s.length() > QUOTED ? s.substring(0, QUOTED) + "..." : s);
    }

    /** The item of {@code sequence} (DICOM JSON) whose Referenced SOP Instance UID is {@code uid}, else null. */
    private static JsonNode instance(JsonNode sequence, String uid) {
        for (JsonNode item : sequence.path("Value")) {
            if (uid.equals(item.path(SOP_INSTANCE_UID).path("Value").path(0).asText())) {
                return item;
            }
        }
        return null;
    }

    private static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode(); // not DICOM JSON: the status decides
        }
    }

    /** PS3.4 GG.4 / PS3.18 failure reasons a person can act on. */
    private static String describe(int reason) {
        return switch (reason & 0xFF00) {
            case 0xA700 -> " (out of resources)";
            case 0xA900 -> " (data set does not match SOP class)";
            case 0xC000 -> " (cannot understand)";
            default -> reason == 0x0110 ? " (processing failure)" : reason == 0x0122 ? " (SOP class not supported)" : "";
        };
    }

    private static byte[] multipart(String boundary, byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(file.length + 200);
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static SSLContext trusting(PacsSettings settings, Credentials credentials) {
        Path file = settings.trustStore();
        String password = TrustStores.isPem(file) ? null
                : credentials.require("pacs.trust_store_password", "pacs.trust_store");
        return TrustStores.context("pacs.trust_store", file, password);
    }
}
