package org.melanoscreen.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.Fault;
import org.melanoscreen.workflow.StateChange;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against Debian's mosquitto on a loopback port, with a password file; a Paho client subscribes as the fleet view. */
class HealthPublisherTest {
    private static final String USER = "device";
    private static final String PASSWORD = "pa55word";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private Mosquitto broker;
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** Every payload any subscriber of this test received. */
    private final List<String> everything = new ArrayList<>();

    record Message(String topic, String payload, boolean retained) {
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.start(dir, USER, PASSWORD);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // the broker may be gone already
            }
        }
        broker.close();
        for (String payload : everything) {
            assertFalse(payload.contains(ApplianceHealthTest.PATIENT) || payload.contains(ApplianceHealthTest.LESION),
                    "patient data published: " + payload);
        }
    }

    @Test
    void healthArrivesWithItsFieldsOnStartAndOnEachStateChangeAndStatusIsRetainedOnlineThenOffline()
            throws Exception {
        BlockingQueue<Message> fleet = subscribe();
        ApplianceHealth health = health();
        HealthPublisher publisher = publisher(Map.of("mqtt.interval_s", "3600"), PASSWORD, health);
        health.onChange(publisher::publishNow);

        assertEquals("online", next(fleet, "melanoscreen/dev-1/status").payload());
        JsonNode first = json(next(fleet, "melanoscreen/dev-1/health"));
        assertEquals("BOOTING", first.get("state").asText());
        for (String field : List.of("device_id", "time", "state", "faults", "outbox", "free_disk_bytes",
                "cpu_temperature_c", "software_version", "models", "screenings_today")) {
            assertTrue(first.has(field), field + " in " + first);
        }
        assertEquals(2, first.get("outbox").get("pacs").get("pending").asInt());
        assertEquals(90, first.get("outbox").get("pacs").get("oldest_age_s").asInt());

        // with an interval of an hour, only the state change can have sent these
        health.resultReady(ApplianceHealthTest.outcomeOf(ApplianceHealthTest.PATIENT, ApplianceHealthTest.LESION));
        health.stateChanged(new StateChange(Instant.now(), ApplianceState.FAULT, Fault.STORAGE_UNAVAILABLE,
                "free space below the floor"));
        JsonNode fault = json(next(fleet, "melanoscreen/dev-1/health"));
        if (!fault.get("state").asText().equals("FAULT")) {
            // the stored result's own message, when it ran before the state change
            assertEquals(1, fault.get("screenings_today").asInt());
            fault = json(next(fleet, "melanoscreen/dev-1/health"));
        }
        assertEquals("FAULT", fault.get("state").asText());
        assertEquals("storage unavailable", fault.get("faults").get(0).get("fault").asText());
        assertEquals(1, fault.get("screenings_today").asInt());

        Message retained = next(subscribe(), "melanoscreen/dev-1/status");
        assertEquals(new Message("melanoscreen/dev-1/status", "online", true), retained);

        publisher.close();
        assertEquals("offline", next(fleet, "melanoscreen/dev-1/status").payload());
        assertEquals(new Message("melanoscreen/dev-1/status", "offline", true),
                next(subscribe(), "melanoscreen/dev-1/status"));
    }

    @Test
    void aDeviceKilledWithoutAGoodbyeIsMarkedOfflineByItsLastWill() throws Exception {
        BlockingQueue<Message> fleet = subscribe();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HealthPublisherChild.class.getName(), broker.url(), USER, PASSWORD, "dev-9")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("connected")) {
                // the child's log lines
            }
            assertEquals("connected", line, "the child publisher never connected");
            assertEquals("online", next(fleet, "melanoscreen/dev-9/status").payload());
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Message will = next(fleet, "melanoscreen/dev-9/status");
            assertEquals("offline", will.payload(), "the broker's last will for the killed device");
            assertEquals(new Message("melanoscreen/dev-9/status", "offline", true),
                    next(subscribe(), "melanoscreen/dev-9/status"), "the will is retained");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearReasonAndNeverConnects() throws Exception {
        MqttSettings settings = settings(Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HealthPublisher.check(settings, "dev-1", Map.of("mqtt.password", "wrong")));
        assertTrue(e.getMessage().startsWith("MQTT broker " + broker.url() + ": the broker refused the connection: "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; check mqtt.username and the credentials file's mqtt.password)"),
                e.getMessage());
        assertTrue(HealthPublisher.check(settings, "dev-1", Map.of("mqtt.password", PASSWORD))
                .startsWith("MQTT broker " + broker.url() + " accepted user device"));

        BlockingQueue<Message> fleet = subscribe();
        HealthPublisher wrong = publisher(Map.of("mqtt.interval_s", "1"), "wrong", health());
        assertTrue(fleet.poll(3, TimeUnit.SECONDS) == null, "nothing published without the right password");
        assertFalse(wrong.connected());
    }

    @Test
    void aBrokerDownAtStartOrRestartedIsReconnectedToAndPublishedToAgain() throws Exception {
        broker.stop();
        HealthPublisher publisher = publisher(Map.of("mqtt.interval_s", "1"), PASSWORD, health());
        assertFalse(publisher.connected());
        broker.start();
        BlockingQueue<Message> fleet = subscribe();
        assertEquals("online", next(fleet, "melanoscreen/dev-1/status").payload(), "connected once it came up");
        assertNotNull(next(fleet, "melanoscreen/dev-1/health"));
        assertNotNull(next(fleet, "melanoscreen/dev-1/health"), "the next one by the interval, without a change");

        broker.stop();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (publisher.connected() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertFalse(publisher.connected(), "the publisher noticed the broker gone");
        broker.start();
        // the restarted broker kept nothing (persistence false): this online is a new announcement
        BlockingQueue<Message> again = subscribe();
        assertEquals("online", next(again, "melanoscreen/dev-1/status").payload());
        assertNotNull(next(again, "melanoscreen/dev-1/health"));
    }

    @Test
    void theApplianceIsNeverHeldUpByAPublisherThatIsBusy() throws Exception {
        BlockingQueue<Message> fleet = subscribe();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        ApplianceHealth real = health();
        HealthPublisher publisher = publisher(Map.of("mqtt.interval_s", "3600"), PASSWORD, () -> {
            if (asked.incrementAndGet() == 2) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.snapshot();
        });
        next(fleet, "melanoscreen/dev-1/health");
        // the second snapshot blocks the publisher's thread; the appliance's calls still return at once
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < 100; i++) {
                publisher.publishNow();
            }
        });
        release.countDown();
        assertNotNull(next(fleet, "melanoscreen/dev-1/health"));
    }

    private ApplianceHealth health() {
        return new ApplianceHealth("dev-1", "0.1.0-test", List.of("seg-v1"), dir, () -> Map.of("pacs",
                new OutboxDepth.Queue(2, Duration.ofSeconds(90))), new CpuTemperature(dir.resolve("none")),
                Clock.systemDefaultZone(), 0);
    }

    private MqttSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("mqtt.url", broker.url(), "mqtt.username", USER,
                "mqtt.timeout_s", "5"));
        values.putAll(extra);
        return MqttSettings.parse(values);
    }

    private HealthPublisher publisher(Map<String, String> extra, String password, HealthSource source) {
        HealthPublisher p = HealthPublisher.start(settings(extra), "dev-1", Map.of("mqtt.password", password), source);
        opened.add(p);
        return p;
    }

    /** A fleet view: every message on melanoscreen/#, retained ones included. */
    private BlockingQueue<Message> subscribe() throws Exception {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        MqttClient viewer = new MqttClient(broker.url(), "viewer-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(USER);
        o.setPassword(PASSWORD.toCharArray());
        viewer.connect(o);
        viewer.subscribe("melanoscreen/#", 1, (topic, m) -> {
            String payload = new String(m.getPayload(), StandardCharsets.UTF_8);
            synchronized (everything) {
                everything.add(payload);
            }
            received.add(new Message(topic, payload, m.isRetained()));
        });
        opened.add(() -> {
            if (viewer.isConnected()) {
                viewer.disconnectForcibly(1000);
            }
            viewer.close(true);
        });
        return received;
    }

    /** The next message on {@code topic}, skipping others. */
    private static Message next(BlockingQueue<Message> queue, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m != null && m.topic().equals(topic)) {
                return m;
            }
        }
        throw new AssertionError("nothing on " + topic + " within " + WAIT);
    }

    private static JsonNode json(Message m) throws Exception {
        return new ObjectMapper().readTree(m.payload());
    }
}
