package org.melanoscreen.fleet;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.tls.TrustStores;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto with a TLS listener whose certificate a test CA (made with openssl) signed for 127.0.0.1. */
class MqttTlsTest {
    @TempDir
    Path dir;

    @Test
    void theBrokerIsReachedOverTlsTrustingTheClinicsCaAndRefusedWithAnotherCa() throws Exception {
        Path ca = certificateAuthority("clinic-ca");
        Path other = certificateAuthority("other-ca");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj",
                "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", dir.resolve("clinic-ca.key")
                .toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile",
                dir.resolve("san.ext").toString());
        try (Mosquitto broker = Mosquitto.startTls(Files.createDirectories(dir.resolve("broker")), "device", "pw",
                cert, key)) {
            Map<String, String> secrets = Map.of("mqtt.password", "pw");
            MqttSettings trusting = MqttSettings.parse(Map.of("mqtt.url", broker.url(), "mqtt.username", "device",
                    "mqtt.trust_store", ca.toString(), "mqtt.timeout_s", "5"));
            assertTrue(HealthPublisher.check(trusting, "dev-1", secrets).startsWith("MQTT broker ssl://127.0.0.1:"));

            MqttSettings wrongCa = MqttSettings.parse(Map.of("mqtt.url", broker.url(), "mqtt.username", "device",
                    "mqtt.trust_store", other.toString(), "mqtt.timeout_s", "5"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> HealthPublisher.check(wrongCa, "dev-1", secrets));
            assertTrue(e.getMessage().contains("PKIX path building failed"), e.getMessage());

            BlockingQueue<String> status = new LinkedBlockingQueue<>();
            MqttClient viewer = new MqttClient(broker.url(), "viewer", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName("device");
            o.setPassword("pw".toCharArray());
            o.setSocketFactory(TrustStores.context("mqtt.trust_store", ca, null).getSocketFactory());
            viewer.connect(o);
            viewer.subscribe("melanoscreen/dev-1/status", 1, (t, m) -> status.add(new String(m.getPayload(),
                    StandardCharsets.UTF_8)));
            try (HealthPublisher publisher = HealthPublisher.start(trusting, "dev-1", secrets,
                    new ApplianceHealth("dev-1", "v", List.of(), dir, OutboxDepth.NONE, new CpuTemperature(dir),
                            Clock.systemUTC(), 0))) {
                assertEquals("online", status.poll(20, TimeUnit.SECONDS));
            }
            assertEquals("offline", status.poll(20, TimeUnit.SECONDS));
            viewer.disconnect();
            viewer.close();
        }
    }

    @Test
    void aTrustStoreThatIsNotOneIsNamed() throws Exception {
        Path bogus = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustStores.context("mqtt.trust_store", bogus, null));
        assertTrue(e.getMessage().startsWith("mqtt.trust_store " + bogus + " cannot be used as a trust store ("), e.getMessage());
    }

    private Path certificateAuthority(String name) throws Exception {
        Path pem = dir.resolve(name + ".pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", pem.toString(), "-days", "2", "-subj", "/CN=" + name);
        return pem;
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Mosquitto.run(command);
    }
}
