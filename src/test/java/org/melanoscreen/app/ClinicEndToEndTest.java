package org.melanoscreen.app;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicomweb.Orthanc;
import org.melanoscreen.export.fhir.FhirTestServer;
import org.melanoscreen.fleet.Mosquitto;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoredScreening;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device in a clinic's network, end to end: Debian's Orthanc (authentication on) and mosquitto (a password
 * file) as child processes and HAPI's FHIR RestfulServer (basic authentication) in this JVM, all on loopback; the
 * device is {@code run --demo} in a child JVM with a configuration file and a credentials file (mode 600),
 * capturing on console commands that name one of a few patients. The fleet view sees its health and its retained
 * status; Orthanc and the FHIR server are stopped while the device keeps screening; the device is killed with
 * SIGKILL while it sends the backlog (its status becomes offline by its last will); a second run makes the rest.
 * Every stored screening arrives exactly once at both servers, and {@code results sync --json} shows all done.
 * Screenings: system property {@code melanoscreen.e2eScreenings} (default 50).
 */
class ClinicEndToEndTest {
    private static final int SCREENINGS = Integer.getInteger("melanoscreen.e2eScreenings", 50);
    private static final int PATIENTS = 5;
    private static final String DEVICE = "melanoscreen-e2e";
    private static final String FHIR_USER = "device";
    private static final String FHIR_PASSWORD = "fhir-Test-pw";
    private static final String MQTT_USER = "device";
    private static final String MQTT_PASSWORD = "mqtt-Test-pw";
    private static final String STATUS = "melanoscreen/" + DEVICE + "/status";
    private static final String HEALTH = "melanoscreen/" + DEVICE + "/health";
    private static final String PATIENT_SYSTEM = "urn:oid:1.2.3.4.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();
    private final List<MqttClient> viewers = new ArrayList<>();

    record Message(String topic, String payload, boolean retained) {
    }

    @Test
    void everyScreeningReachesPacsAndFhirExactlyOnceThroughAnOutageAndAKill9AndTheFleetSeesTheDevice()
            throws Exception {
        assumeTrue(Orthanc.missing().isEmpty(), () -> "skipped: " + Orthanc.missing().orElse(""));
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mosquitto")), "skipped: mosquitto is not installed");
        long began = System.nanoTime();
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("mqtt"));
        try (Orthanc orthanc = Orthanc.start(dir.resolve("orthanc"));
             Mosquitto broker = Mosquitto.start(dir.resolve("mqtt"), MQTT_USER, MQTT_PASSWORD);
             FhirTestServer fhir = FhirTestServer.basic(FhirContext.forR4(), FHIR_USER, FHIR_PASSWORD)) {
            Path config = configure(data, orthanc, fhir, broker);
            BlockingQueue<Message> fleet = subscribe(broker);

            Device first = Device.start(this, dir.resolve("run1.log"), config);
            first.captureUntil(SCREENINGS / 5);
            JsonNode health = JSON.readTree(next(fleet, HEALTH).payload());
            for (String field : List.of("device_id", "time", "state", "faults", "outbox", "free_disk_bytes",
                    "cpu_temperature_c", "software_version", "models", "screenings_today")) {
                assertTrue(health.has(field), field + " in " + health);
            }
            assertEquals(DEVICE, health.get("device_id").asText());
            assertEquals(new Message(STATUS, "online", true), next(subscribe(broker), STATUS),
                    "the retained status of a running device");

            await(() -> depth(data) == 0, first, "the first screenings sent");

            orthanc.stop();
            fhir.pause();
            first.captureUntil(2 * SCREENINGS / 5);
            await(() -> first.refused("pacs") && first.refused("fhir"), first, "both servers found down");
            long queued = depth(data);
            assertEquals(2L * (2 * SCREENINGS / 5 - SCREENINGS / 5), queued,
                    "the screenings made while the servers are down wait in the outbox, for both");
            orthanc.start();
            fhir.resume();
            first.captureUntil(3 * SCREENINGS / 5);
            await(() -> depth(data) < queued, first, "the backlog being sent");
            fleet.clear();
            first.trigger(); // and SIGKILL while it captures and sends the backlog
            first.process.destroyForcibly();
            assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
            long queuedAtKill = depth(data);
            assertEquals("offline", next(fleet, STATUS).payload(), "the last will of the killed device");
            assertEquals(new Message(STATUS, "offline", true), next(subscribe(broker), STATUS));

            int made = count(data);
            assertTrue(made < SCREENINGS, "killed before the end");
            Device second = Device.start(this, dir.resolve("run2.log"), config);
            second.captureUntil(SCREENINGS - made);
            assertEquals(SCREENINGS, count(data));
            await(() -> depth(data) == 0, second, "every queued item sent");
            second.process.destroy();
            assertTrue(second.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(new Message(STATUS, "offline", true), next(subscribe(broker), STATUS),
                    "the retained status of a device stopped cleanly");

            List<StoredScreening> stored;
            try (ResultStore store = ResultStore.openShared(data)) {
                stored = store.list(null, 10_000);
            }
            assertEquals(SCREENINGS, stored.size());
            int instances = assertEveryInstanceOnceAtOrthanc(orthanc, stored);
            assertEveryReportOnceAtFhir(fhir, stored);
            assertSyncShowsAllDone(data);
            System.out.printf("clinic end to end: %d screenings of %d patients; servers down for screenings %d-%d "
                            + "(%d items queued); killed after %d with %d items unsent; %d instances at Orthanc, %d "
                            + "DiagnosticReports, %d Observations, %d Media, %d ImagingStudies, %d Patients at FHIR; "
                            + "%.0f s%n", SCREENINGS, PATIENTS, SCREENINGS / 5 + 1, 2 * SCREENINGS / 5, queued, made,
                    queuedAtKill, instances, fhir.reports.stored.size(), fhir.observations.stored.size(),
                    fhir.media.stored.size(), fhir.studies.stored.size(), fhir.patients.stored.size(),
                    (System.nanoTime() - began) / 1e9);
        } finally {
            children.forEach(Process::destroyForcibly);
            for (MqttClient v : viewers) {
                try {
                    v.disconnectForcibly(1000);
                    v.close(true);
                } catch (Exception gone) {
                    // the broker is gone already
                }
            }
        }
    }

    /** The service's configuration file and its credentials file (readable by its user only). */
    private Path configure(Path data, Orthanc orthanc, FhirTestServer fhir, Mosquitto broker) throws IOException {
        Path credentials = dir.resolve("credentials.conf");
        Files.writeString(credentials, "pacs.password = " + Orthanc.PASSWORD + "\nfhir.password = " + FHIR_PASSWORD
                + "\nmqtt.password = " + MQTT_PASSWORD + "\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("models", TinyModels.SEG + "," + TinyModels.CLS);
        keys.put("store.data_dir", data.toString());
        keys.put("control.stdin", "true");
        keys.put("capture.burst_frames", "2");
        keys.put("capture.screen_best", "1");
        keys.put("outbox.credentials_file", credentials.toString());
        keys.put("outbox.retry_initial_s", "1");
        keys.put("outbox.retry_max_s", "2");
        keys.put("pacs.url", orthanc.dicomWeb().toString());
        keys.put("pacs.auth", "basic");
        keys.put("pacs.username", Orthanc.USER);
        keys.put("dicom.contact_method", "CONTACT");
        keys.put("dicom.polarization", "POLARIZED");
        keys.put("fhir.url", fhir.baseUrl());
        keys.put("fhir.patient_identifier_system", PATIENT_SYSTEM);
        keys.put("fhir.auth", "basic");
        keys.put("fhir.username", FHIR_USER);
        keys.put("fhir.imaging_study", "true");
        keys.put("fhir.timeout_s", "5");
        keys.put("mqtt.url", broker.url());
        keys.put("mqtt.username", MQTT_USER);
        keys.put("mqtt.interval_s", "5");
        Path config = dir.resolve("melanoscreen.conf");
        Files.writeString(config, keys.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue() + "\n")
                .collect(Collectors.joining()));
        return config;
    }

    /** Each stored screening's instance, once, at Orthanc; one of them read back and checked by dciodvfy. */
    private int assertEveryInstanceOnceAtOrthanc(Orthanc orthanc, List<StoredScreening> stored) throws Exception {
        JsonNode all = orthanc.json("/dicom-web/instances?limit=1000");
        Set<String> arrived = new HashSet<>();
        all.forEach(i -> arrived.add(i.path("00080018").path("Value").path(0).asText()));
        Set<String> expected = stored.stream().map(DicomExporter::instanceUid).collect(Collectors.toSet());
        assertEquals(SCREENINGS, all.size(), "as many instances as screenings: none twice");
        assertEquals(expected, arrived, "every screening's instance");
        assertEquals(SCREENINGS, orthanc.json("/statistics").path("CountInstances").asInt());

        String id = orthanc.json("/instances").get(0).asText();
        Path dcm = dir.resolve("read-back.dcm");
        Files.write(dcm, orthanc.get("/instances/" + id + "/file").body());
        Process p = new ProcessBuilder("dciodvfy", dcm.toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(List.of(), report.lines().filter(l -> l.contains("Error")).toList(),
                "dciodvfy on the instance read back from Orthanc:\n" + report);
        return all.size();
    }

    /**
     * One DiagnosticReport (with its two Observations, Media and ImagingStudy) per stored screening at the FHIR
     * server, each naming its screening and its patient; one Patient per patient reference.
     */
    private static void assertEveryReportOnceAtFhir(FhirTestServer fhir, List<StoredScreening> stored) {
        assertEquals(SCREENINGS, fhir.reports.stored.size(), "one DiagnosticReport per screening: none twice");
        assertEquals(2 * SCREENINGS, fhir.observations.stored.size(), "probability and risk of each screening");
        assertEquals(SCREENINGS, fhir.media.stored.size(), "one Media per screening");
        assertEquals(SCREENINGS, fhir.studies.stored.size(), "one ImagingStudy per screening");
        assertEquals(1, fhir.devices.stored.size(), "the one device");
        Set<String> patientRefs = stored.stream().map(StoredScreening::patientRef).collect(Collectors.toSet());
        assertEquals(PATIENTS, patientRefs.size());
        assertEquals(patientRefs.size(), fhir.patients.stored.size(), "one Patient per patient reference");

        Map<String, DiagnosticReport> byScreening = new HashMap<>();
        for (DiagnosticReport r : fhir.reports.stored.values()) {
            String screening = r.getIdentifierFirstRep().getValue();
            assertNull(byScreening.put(screening, r), "two reports of screening " + screening);
        }
        for (StoredScreening s : stored) {
            DiagnosticReport r = byScreening.get(DEVICE + "/" + s.id());
            assertNotNull(r, "the report of screening " + s.id());
            assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, r.getStatus());
            Patient p = fhir.patients.get(r.getSubject().getReference());
            assertEquals(s.patientRef(), p.getIdentifierFirstRep().getValue());
            assertEquals(PATIENT_SYSTEM, p.getIdentifierFirstRep().getSystem());
            for (Reference o : r.getResult()) {
                fhir.observations.get(o.getReference());
            }
            fhir.media.get(r.getMediaFirstRep().getLink().getReference());
            ImagingStudy st = fhir.studies.get(r.getImagingStudyFirstRep().getReference());
            assertEquals(DicomExporter.instanceUid(s), st.getSeriesFirstRep().getInstanceFirstRep().getUid());
        }
    }

    private void assertSyncShowsAllDone(Path data) throws Exception {
        Path log = dir.resolve("sync.log");
        Process sync = new ProcessBuilder(java("results", "--data-dir", data.toString(), "sync", "--json"))
                .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(sync);
        assertTrue(sync.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, sync.exitValue(), Files.readString(log));
        Map<String, JsonNode> byDestination = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode n = JSON.readTree(line);
            byDestination.put(n.get("destination").asText(), n);
        }
        assertEquals(Set.of("pacs", "fhir"), byDestination.keySet(), Files.readString(log));
        for (JsonNode n : byDestination.values()) {
            assertEquals(SCREENINGS, n.get("done").asInt(), n.toString());
            assertEquals(0, n.get("pending").asInt(), n.toString());
            assertEquals(0, n.get("retrying").asInt(), n.toString());
            assertEquals(0, n.get("failed").asInt(), n.toString());
        }
    }

    /** A fleet viewer subscribed to every topic of the device's prefix. */
    private BlockingQueue<Message> subscribe(Mosquitto broker) throws Exception {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        MqttClient viewer = new MqttClient(broker.url(), "viewer-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(MQTT_USER);
        o.setPassword(MQTT_PASSWORD.toCharArray());
        viewer.connect(o);
        viewers.add(viewer);
        viewer.subscribe("melanoscreen/#", 1, (topic, m) -> received.add(new Message(topic,
                new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained())));
        return received;
    }

    /** The next message on {@code topic}, skipping others; fails after 30 s. */
    private static Message next(BlockingQueue<Message> queue, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Message m = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m != null && m.topic().equals(topic)) {
                return m;
            }
        }
        return fail("nothing on " + topic + " within 30 s");
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A device run: {@code run --demo --config FILE}, captures on its console. */
    private static final class Device {
        final Process process;
        private final Path log;
        private final Writer console;
        private int triggered;

        private Device(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.console = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Device start(ClinicEndToEndTest test, Path log, Path config) throws Exception {
            Process p = new ProcessBuilder(java("run", "--demo", "--interval-ms", "0", "--config", config.toString(),
                    // --demo's own device id and source win over the file's: only --set overrides them
                    "--set", "device.id=" + DEVICE, "--set", "source=simulated?fps=60"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            test.children.add(p);
            Device d = new Device(p, log);
            await(() -> d.lines().stream().anyMatch(l -> l.contains(" READY ")), d, "the device ready");
            return d;
        }

        /** Captures one at a time, each for one of the patients in turn, until this run has stored {@code n}. */
        void captureUntil(int n) throws Exception {
            while (stored() < n) {
                int before = stored();
                trigger();
                await(() -> stored() > before, this, "screening #" + (before + 1) + " of this run");
            }
        }

        void trigger() throws IOException {
            triggered++;
            console.write("capture patient=PAT-" + (triggered % PATIENTS + 1) + " lesion=L" + triggered + "\n");
            console.flush();
        }

        /** Whether the sender has logged that {@code destination} did not take a screening. */
        boolean refused(String destination) {
            return lines().stream().anyMatch(l -> l.contains("Outbox: " + destination + " did not take"));
        }

        int stored() {
            return (int) lines().stream().filter(l -> l.contains("stored #")).count();
        }

        List<String> lines() {
            try {
                return Files.readAllLines(log);
            } catch (IOException e) {
                return List.of();
            }
        }
    }

    private static void await(BooleanSupplier condition, Device d, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (!d.process.isAlive() || System.nanoTime() > deadline) {
                fail(what + ": not reached (device " + (d.process.isAlive() ? "still running" : "exited "
                        + d.process.exitValue()) + "):\n" + Files.readString(d.log));
            }
            Thread.sleep(100);
        }
    }

    private static int count(Path data) throws Exception {
        try (ResultStore store = ResultStore.openShared(data)) {
            return store.list(null, 10_000).size();
        }
    }

    private static long depth(Path data) {
        try (ResultStore store = ResultStore.openShared(data)) {
            return store.outboxStatus().stream().mapToLong(OutboxStatus::depth).sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
