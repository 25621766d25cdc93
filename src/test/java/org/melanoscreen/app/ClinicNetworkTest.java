package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.fleet.Mosquitto;
import org.melanoscreen.fleet.OutboxDepth;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClinicNetworkTest {
    @TempDir
    Path tmp;

    @Test
    void theServiceTellsTheBrokerItsHealthWhileItRunsAndOfflineWhenItStops() throws Exception {
        List<String[]> received = new CopyOnWriteArrayList<>();
        try (Mosquitto broker = Mosquitto.startAnonymous(tmp)) {
            MqttClient fleet = new MqttClient(broker.url(), "fleet-view", new MemoryPersistence());
            fleet.connect();
            fleet.subscribe("clinic/#", 1, (topic, m) -> received.add(new String[]{topic,
                    new String(m.getPayload(), StandardCharsets.UTF_8)}));
            Cli.Run run = Cli.run("run", "--demo", "--captures", "2", "--set",
                    "models=" + TinyModels.SEG + "," + TinyModels.CLS, "--set", "store.data_dir=" + tmp.resolve("data"),
                    "--set", "source=simulated?fps=60", "--set", "mqtt.url=" + broker.url(),
                    "--set", "mqtt.topic_prefix=clinic", "--set", "mqtt.interval_s=3600");
            assertEquals(0, run.exitCode(), run.out() + run.err());
            fleet.disconnect();
            fleet.close();
        }
        List<String> status = received.stream().filter(m -> m[0].equals("clinic/melanoscreen-demo/status"))
                .map(m -> m[1]).toList();
        assertEquals("online", status.get(0), status.toString());
        assertEquals("offline", status.get(status.size() - 1), status.toString());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> health = new java.util.ArrayList<>();
        for (String[] m : received) {
            if (m[0].equals("clinic/melanoscreen-demo/health")) {
                health.add(json.readTree(m[1]));
            }
        }
        List<String> states = new java.util.ArrayList<>();
        health.forEach(h -> h.get("states_since_last").forEach(s -> states.add(s.asText())));
        // an interval of an hour: these came from the state changes; a state over before its message was sent
        // (READY is brief when the demo captures at once) still arrives in the next message's list
        assertTrue(states.containsAll(List.of("SELF_TEST", "READY", "CAPTURING", "ANALYSING", "RESULT")),
                states.toString());
        assertEquals(2, health.stream().mapToInt(h -> h.get("screenings_today").asInt()).max().orElse(0),
                "both captures counted");
        assertTrue(health.get(health.size() - 1).get("models").toString().contains("tiny"), health.toString());
    }

    @Test
    void selftestChecksOnlyTheConfiguredServersAndNamesWhyOneCannotBeReached() throws Exception {
        assertEquals(List.of(), ClinicNetwork.checks(ServiceConfig.load(null, Map.of())));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<SelftestCommand.Check> checks = SelftestCommand.checks(ServiceConfig.load(null, Map.of(
                "fhir.url", "http://127.0.0.1:" + port + "/fhir", "fhir.patient_identifier_system", "urn:oid:1.2.3",
                "fhir.timeout_s", "2", "mqtt.url", "tcp://127.0.0.1:" + port, "mqtt.timeout_s", "2"))).stream()
                .filter(c -> List.of("fhir", "mqtt").contains(c.name())).toList();
        assertEquals(List.of("fhir", "mqtt"), checks.stream().map(SelftestCommand.Check::name).toList());
        Exception fhir = assertThrows(Exception.class, () -> checks.get(0).probe().call());
        assertTrue(fhir.getMessage().startsWith("FHIR server http://127.0.0.1:" + port + "/fhir cannot be reached for "
                + "metadata"), fhir.getMessage());
        Exception mqtt = assertThrows(Exception.class, () -> checks.get(1).probe().call());
        assertTrue(mqtt.getMessage().startsWith("MQTT broker tcp://127.0.0.1:" + port + ": Unable to connect to "
                + "server"), mqtt.getMessage());
    }

    @Test
    void theConfigurationRefusesAFhirServerWithoutThePatientIdentifierSystem() {
        ServiceConfig.ConfigException e = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("fhir.url", "https://ehr.example.org/fhir")));
        assertTrue(e.getMessage().startsWith("fhir.patient_identifier_system = '' must be an absolute URI"),
                e.getMessage());
        assertThrows(ServiceConfig.ConfigException.class, () -> ServiceConfig.load(null, Map.of("mqtt.url", "x")));
    }

    @Test
    void theOutboxDepthOfAQueueWithNothingPendingIsZeroItemsWaitingNoTime() throws Exception {
        Path data = tmp.resolve("data");
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-7"))) {
            store.forwardTo(List.of("pacs", "fhir"));
            store.save(new ScreeningRecord(t0, "dev-7", null, null, "LOW", 0.1, "{}", Map.of("cls", "0".repeat(64)),
                    "0.1.0", Map.of("frame.png", new byte[]{1})));
            store.outboxDelivered(store.outboxDue("pacs", t0, 10).get(0), t0);
        }
        // the store queues with its own clock: an hour later, the fhir item has waited about an hour
        Map<String, OutboxDepth.Queue> depths = ClinicNetwork.outboxDepth(data, Clock.offset(Clock.systemUTC(),
                Duration.ofHours(1))).depths();
        // before, a queue with nothing pending had no age, and every health message failed on it
        assertEquals(new OutboxDepth.Queue(0, Duration.ZERO), depths.get("pacs"));
        assertEquals(1, depths.get("fhir").pending());
        assertEquals(60, depths.get("fhir").oldestAge().toMinutes());
    }

    @Test
    void todaysScreeningsAreCountedFromTheStoreInTheDevicesDay() throws Exception {
        Path data = tmp.resolve("data");
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-7"))) {
            for (String time : List.of("2026-12-01T23:59:00Z", "2026-12-02T00:00:00Z", "2026-12-02T10:00:00Z")) {
                store.save(new ScreeningRecord(Instant.parse(time), "dev-7", null, null, "LOW", 0.1, "{}",
                        Map.of("cls", "0".repeat(64)), "0.1.0", Map.of("frame.png", new byte[]{1})));
            }
        }
        Clock noon = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
        assertEquals(2, ClinicNetwork.screeningsToday(data, noon));
        assertEquals(3, ClinicNetwork.screeningsToday(data, noon.withZone(ZoneOffset.ofHours(1))));
        assertEquals(0, ClinicNetwork.screeningsToday(tmp.resolve("none"), noon));
    }
}
