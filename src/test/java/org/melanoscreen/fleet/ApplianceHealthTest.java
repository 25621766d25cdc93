package org.melanoscreen.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.Fault;
import org.melanoscreen.workflow.StateChange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplianceHealthTest {
    static final String PATIENT = "PAT-SECRET-0077";
    static final String LESION = "LESION-LEFT-ARM-9";

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now;
        private final ZoneId zone;

        TestClock(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new TestClock(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static CaptureOutcome outcomeOf(String patient, String lesion) {
        ScreeningResult r = new ScreeningResult("test", Risk.REFER, List.of(), 0.9f, 0.30, Map.of(), null, null,
                640, 480, null, null, Double.NaN, Map.of());
        return new CaptureOutcome(r, 1L, patient, lesion, 5, 5, List.of(0.9f), 420);
    }

    @Test
    void theSnapshotHasStateFaultsOutboxDiskTemperatureVersionsAndTodaysCount() throws Exception {
        Path thermal = Files.createDirectories(dir.resolve("thermal"));
        Files.createDirectories(thermal.resolve("thermal_zone0"));
        Files.writeString(thermal.resolve("thermal_zone0/temp"), "48250\n");
        Files.createDirectories(thermal.resolve("thermal_zone1"));
        Files.writeString(thermal.resolve("thermal_zone1/temp"), "51500\n");
        Files.createDirectories(thermal.resolve("thermal_zone2"));
        Files.writeString(thermal.resolve("thermal_zone2/temp"), "not a number\n");
        Map<String, OutboxDepth.Queue> queues = new LinkedHashMap<>();
        queues.put("pacs", new OutboxDepth.Queue(3, Duration.ofSeconds(125)));
        queues.put("fhir", new OutboxDepth.Queue(0, Duration.ZERO));
        // 23:59 in Berlin is 22:59 UTC: "today" is the device's local day
        TestClock clock = new TestClock(Instant.parse("2026-12-02T22:59:00Z"), ZoneId.of("Europe/Berlin"));
        ApplianceHealth health = new ApplianceHealth("dev-1", "0.1.0", List.of("seg-v1", "cls-v2"), dir,
                () -> queues, new CpuTemperature(thermal), clock, 4);
        List<String> told = new ArrayList<>();
        health.onChange(() -> told.add("changed"));

        assertEquals("BOOTING", health.snapshot().state());
        health.stateChanged(new StateChange(clock.instant(), ApplianceState.FAULT, Fault.NO_CAMERA,
                "/dev/dermatoscope: no such device"));
        health.resultReady(outcomeOf(PATIENT, LESION));
        assertEquals(List.of("changed", "changed"), told, "a state change and a stored result each publish");

        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.snapshot().toJson()
                .toString());
        assertEquals("dev-1", json.get("device_id").asText());
        assertEquals("2026-12-02T22:59:00Z", json.get("time").asText());
        assertEquals("FAULT", json.get("state").asText());
        assertEquals("[\"FAULT\"]", json.get("states_since_last").toString());
        assertEquals("no camera", json.get("faults").get(0).get("fault").asText());
        assertEquals("/dev/dermatoscope: no such device", json.get("faults").get(0).get("detail").asText());
        assertEquals(Fault.NO_CAMERA.action(), json.get("faults").get(0).get("action").asText());
        assertEquals(3, json.get("outbox").get("pacs").get("pending").asInt());
        assertEquals(125, json.get("outbox").get("pacs").get("oldest_age_s").asInt());
        assertEquals(0, json.get("outbox").get("fhir").get("pending").asInt());
        assertEquals(Files.getFileStore(dir).getUsableSpace(), json.get("free_disk_bytes").asLong(),
                1024L * 1024 * 1024);
        assertEquals(51.5, json.get("cpu_temperature_c").asDouble(), 1e-9);
        assertEquals("0.1.0", json.get("software_version").asText());
        assertEquals("[\"seg-v1\",\"cls-v2\"]", json.get("models").toString());
        assertEquals(5, json.get("screenings_today").asInt());
        String text = json.toString();
        assertFalse(text.contains(PATIENT) || text.contains(LESION), text);

        clock.now = Instant.parse("2026-12-02T23:00:01Z");
        assertEquals(0, health.snapshot().screeningsToday(), "a new local day starts at 0");
        health.stateChanged(new StateChange(clock.instant(), ApplianceState.READY, null, "ready"));
        assertEquals(List.of(), health.snapshot().faults());
    }

    @Test
    void noReadableThermalZoneIsNoTemperatureAndAMissingDataFolderNoDiskFigure() {
        assertNull(new CpuTemperature(dir.resolve("absent")).celsius());
        HealthSnapshot s = new ApplianceHealth("d", "v", List.of(), dir.resolve("absent"), OutboxDepth.NONE,
                new CpuTemperature(dir), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), 0).snapshot();
        assertNull(s.cpuTemperatureC());
        assertTrue(s.toJson().get("free_disk_bytes").isNull());
        assertTrue(s.toJson().get("outbox").isEmpty());
    }

    @Test
    void settingsAreOffByDefaultAndBadValuesAreNamed() {
        MqttSettings off = MqttSettings.parse(Map.of());
        assertFalse(off.enabled());
        assertEquals("melanoscreen/dev_1/health", off.healthTopic("dev/1"));
        assertEquals("melanoscreen/dev-1/status", off.statusTopic("dev-1"));
        assertEquals("dev_1", off.clientId("dev 1"));
        assertEquals("mqtt.url = 'http://broker' must be empty, tcp://host:port or ssl://host:port",
                message(Map.of("mqtt.url", "http://broker")));
        assertEquals("mqtt.topic_prefix = 'fleet/#' must be 1 to 8 topic levels separated by '/', without '+' or "
                + "'#'", message(Map.of("mqtt.topic_prefix", "fleet/#")));
        assertEquals("mqtt.interval_s = '0' is out of range: it must be from 1 to 86400",
                message(Map.of("mqtt.interval_s", "0")));
        assertEquals("mqtt.trust_store = '/etc/ca.pem' is only for an ssl:// broker; mqtt.url is tcp://b:1883",
                message(Map.of("mqtt.url", "tcp://b:1883", "mqtt.trust_store", "/etc/ca.pem")));
        assertEquals("mqtt.client_id = 'a b' must be 1 to 64 letters, digits, '.', '_' or '-'",
                message(Map.of("mqtt.client_id", "a b")));
    }

    private static String message(Map<String, String> values) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MqttSettings.parse(values)).getMessage();
    }

    @Test
    void everyStateEnteredReachesTheNextMessageEvenWhenItIsAlreadyOver() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"), ZoneId.of("UTC"));
        ApplianceHealth health = new ApplianceHealth("dev-1", "0.1.0", List.of(), dir, OutboxDepth.NONE,
                new CpuTemperature(dir), clock, 0);
        for (ApplianceState s : List.of(ApplianceState.READY, ApplianceState.CAPTURING, ApplianceState.FAULT,
                ApplianceState.READY)) {
            health.stateChanged(new StateChange(clock.instant(), s, s == ApplianceState.FAULT ? Fault.NO_CAMERA : null,
                    s == ApplianceState.FAULT ? "unplugged" : null));
        }
        HealthSnapshot first = health.snapshot();
        assertEquals("READY", first.state());
        assertEquals(List.of("READY", "CAPTURING", "FAULT", "READY"), first.statesSinceLast());
        assertEquals(List.of(), health.snapshot().statesSinceLast(), "each state goes into one message only");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < ApplianceHealth.MAX_STATES_KEPT + 5; i++) {
            ApplianceState s = i % 3 == 0 ? ApplianceState.CAPTURING : i % 3 == 1 ? ApplianceState.ANALYSING
                    : ApplianceState.RESULT;
            sent.add(s.name());
            health.stateChanged(new StateChange(clock.instant(), s, null, null));
        }
        assertEquals(sent.subList(5, sent.size()), health.snapshot().statesSinceLast(), "the most recent are kept");
    }
}
