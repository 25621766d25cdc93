package org.melanoscreen.export.dicomweb;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.DeliveryException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS to a PACS whose certificate a hospital CA signed: trusted through {@code pacs.trust_store}, refused without
 * it. The server is the JDK's HTTPS server on loopback with a certificate keytool makes (Orthanc's own HTTPS
 * crashes in Debian's build).
 */
class StowRsTlsTest {
    @TempDir
    Path dir;

    private HttpsServer server;

    private void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + command + ": " + out);
    }

    @BeforeEach
    void serve() throws Exception {
        Path serverKeys = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "pacs", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", serverKeys.toString(), "-storepass", "serverpw");
        keytool("-exportcert", "-alias", "pacs", "-keystore", serverKeys.toString(), "-storepass", "serverpw",
                "-file", dir.resolve("pacs.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "hospital-ca", "-file", dir.resolve("pacs.crt").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve("trust.p12").toString(), "-storepass", "trustpw");
        KeyStore keys = KeyStore.getInstance(serverKeys.toFile(), "serverpw".toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "serverpw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/dicom-web", x -> {
            x.sendResponseHeaders(x.getRequestHeaders().getFirst("Authorization") == null ? 401 : 200, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StowRsDestination pacs(String trustStore) throws Exception {
        Path file = dir.resolve("credentials.conf");
        Files.writeString(file, "pacs.token = t0ken\npacs.trust_store_password = trustpw\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new StowRsDestination(PacsSettings.parse(Map.of("pacs.url", "https://127.0.0.1:"
                + server.getAddress().getPort() + "/dicom-web", "pacs.auth", "bearer", "pacs.trust_store", trustStore)),
                Credentials.load(file), new DicomExporter(DicomSettings.parse(Map.of("dicom.image_class",
                "vl-photographic"))));
    }

    @Test
    void theHospitalsCaInTheTrustStoreIsTrustedAndWithoutItTheServerIsNot() throws Exception {
        pacs(dir.resolve("trust.p12").toString()).check();
        pacs(dir.resolve("pacs.crt").toString()).check();           // the CA's certificate file itself, no password
        DeliveryException untrusted = assertThrows(DeliveryException.class, () -> pacs("").check());
        assertFalse(untrusted.permanent());
        assertTrue(untrusted.getMessage().contains("cannot be reached (SSLHandshakeException"), untrusted.getMessage());
    }

    @Test
    void aTrustStoreThatCannotBeReadIsASetupErrorNamingIt() throws Exception {
        Path bad = dir.resolve("bad.p12");
        Files.writeString(bad, "not a key store");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pacs(bad.toString()));
        assertTrue(e.getMessage().startsWith("pacs.trust_store " + bad + " cannot be used as a trust store (PEM "
                + "certificates, PKCS12 or JKS)"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf("trustpw"));
    }
}
