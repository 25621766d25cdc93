package org.melanoscreen.fleet;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.melanoscreen.tls.TrustStores;
import org.tinylog.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the device's health to the fleet's MQTT broker: a JSON message on {@code prefix/device/health} every
 * interval and after every state change, and the retained {@code prefix/device/status}: {@code online} once
 * connected, {@code offline} on a clean stop, and {@code offline} from the broker itself (the last will) when the
 * connection dies. Everything runs on the publisher's own thread: {@link #publishNow()} only hands work over, and a
 * broker that is away is retried in the background (until the first connection with a back-off of up to a minute,
 * after it by Paho's automatic reconnect).
 */
public final class HealthPublisher implements AutoCloseable {
    static final String ONLINE = "online";
    static final String OFFLINE = "offline";
    private static final long MAX_RETRY_S = 60;

    private final MqttSettings settings;
    private final String healthTopic;
    private final String statusTopic;
    private final HealthSource source;
    private final MqttClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService thread;
    private long retryS = 1;
    private String lastProblem;

    private HealthPublisher(MqttSettings settings, String deviceId, Map<String, String> secrets,
                            HealthSource source) throws MqttException {
        this.settings = settings;
        this.healthTopic = settings.healthTopic(deviceId);
        this.statusTopic = settings.statusTopic(deviceId);
        this.source = source;
        this.options = options(settings, secrets);
        options.setWill(statusTopic, OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay((int) TimeUnit.SECONDS.toMillis(MAX_RETRY_S));
        this.client = client(settings, settings.clientId(deviceId));
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mqtt-health");
            t.setDaemon(true);
            return t;
        });
        // on close, a connection retry waiting for its turn is dropped; a publish under way is finished
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                // Paho's callback thread must not publish with the blocking client: hand it over
                submit(HealthPublisher.this::announce);
            }

            @Override
            public void connectionLost(Throwable cause) {
                Logger.warn("MQTT broker {}: connection lost ({}); reconnecting", settings.url(), cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // subscribes to nothing
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 status messages are awaited where they are sent
            }
        });
    }

    /**
     * Starts publishing in the background and returns at once.
     *
     * @param secrets the credentials file's entries ({@link MqttSettings#PASSWORD_SECRET},
     *                {@link MqttSettings#TRUST_STORE_PASSWORD_SECRET})
     * @throws IllegalArgumentException for a trust store that cannot be used or a password missing for the user
     */
    public static HealthPublisher start(MqttSettings settings, String deviceId, Map<String, String> secrets,
                                        HealthSource source) {
        HealthPublisher p;
        try {
            p = new HealthPublisher(settings, deviceId, secrets, source);
        } catch (MqttException e) {
            throw new IllegalArgumentException("MQTT broker " + settings.url() + ": " + describe(e), e);
        }
        p.submit(p::connect);
        long interval = settings.interval().toMillis();
        p.thread.scheduleWithFixedDelay(p::publishHealth, interval, interval, TimeUnit.MILLISECONDS);
        return p;
    }

    /**
     * For {@code selftest}: connects once (another client id, no last will, nothing published) and says to what.
     *
     * @throws IllegalStateException with the broker's reason when it cannot
     */
    public static String check(MqttSettings settings, String deviceId, Map<String, String> secrets) {
        try {
            MqttClient probe = client(settings, settings.clientId(deviceId) + "-selftest");
            try {
                probe.connect(options(settings, secrets));
                probe.disconnect(settings.timeout().toMillis());
            } finally {
                probe.close(true);
            }
        } catch (MqttException e) {
            throw new IllegalStateException("MQTT broker " + settings.url() + ": " + describe(e), e);
        }
        return "MQTT broker " + settings.url() + " accepted " + (settings.username() == null ? "an anonymous client"
                : "user " + settings.username()) + "; health on " + settings.healthTopic(deviceId);
    }

    /** Publishes the health soon, on the publisher's thread; returns at once. */
    public void publishNow() {
        submit(this::publishHealth);
    }

    public boolean connected() {
        return client.isConnected();
    }

    /** Publishes the retained {@code offline} (unlike a lost connection, no will is sent), then disconnects. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
                Logger.warn("MQTT publisher thread still busy at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.publish(statusTopic, OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true);
                client.disconnect(settings.timeout().toMillis());
            }
        } catch (MqttException e) {
            Logger.warn("MQTT broker {}: clean offline not sent ({})", settings.url(), describe(e));
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Logger.warn("MQTT client not closed: {}", describe(e));
        }
    }

    private void connect() {
        try {
            client.connect(options);
            retryS = 1;
            problemCleared();
        } catch (MqttException e) {
            problem("cannot connect (" + describe(e) + "); retrying, at least once a minute");
            schedule(this::connect, retryS);
            retryS = Math.min(MAX_RETRY_S, retryS * 2);
        }
    }

    /** After every (re)connection: the retained online status, then the health at once. */
    private void announce() {
        try {
            client.publish(statusTopic, ONLINE.getBytes(StandardCharsets.UTF_8), 1, true);
            Logger.info("MQTT broker {}: connected, status online on {}", settings.url(), statusTopic);
        } catch (MqttException e) {
            problem("status not published (" + describe(e) + ")");
        }
        publishHealth();
    }

    private void publishHealth() {
        if (!client.isConnected()) {
            return;
        }
        try {
            byte[] payload = source.snapshot().toJson().toString().getBytes(StandardCharsets.UTF_8);
            client.publish(healthTopic, payload, 0, false);
            problemCleared();
        } catch (MqttException e) {
            problem("health not published (" + describe(e) + ")");
        } catch (RuntimeException e) {
            problem("health not published: " + e);
        }
    }

    private void submit(Runnable r) {
        try {
            thread.execute(r);
        } catch (RejectedExecutionException e) {
            // closing: nothing more is published
        }
    }

    private void schedule(Runnable r, long seconds) {
        try {
            thread.schedule(r, seconds, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Logs a problem once, not every interval while it lasts. */
    private void problem(String what) {
        if (!what.equals(lastProblem)) {
            Logger.warn("MQTT broker {}: {}", settings.url(), what);
            lastProblem = what;
        }
    }

    private void problemCleared() {
        if (lastProblem != null) {
            Logger.info("MQTT broker {}: working again", settings.url());
            lastProblem = null;
        }
    }

    private static MqttClient client(MqttSettings settings, String clientId) throws MqttException {
        // in memory: Paho's default would write its state into the working directory
        MqttClient c = new MqttClient(settings.url().toString(), clientId, new MemoryPersistence());
        c.setTimeToWait(settings.timeout().toMillis());
        return c;
    }

    private static MqttConnectOptions options(MqttSettings settings, Map<String, String> secrets) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(Math.toIntExact(Math.max(1, settings.timeout().toSeconds())));
        o.setKeepAliveInterval(30);
        if (settings.username() != null) {
            String password = secrets.get(MqttSettings.PASSWORD_SECRET);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("MQTT: " + MqttSettings.PASSWORD_SECRET + " is missing from the "
                        + "credentials file (mqtt.username is " + settings.username() + ")");
            }
            o.setUserName(settings.username());
            o.setPassword(password.toCharArray());
        }
        if (settings.trustStore() != null) {
            o.setSocketFactory(TrustStores.context("mqtt.trust_store", settings.trustStore(),
                    secrets.get(MqttSettings.TRUST_STORE_PASSWORD_SECRET)).getSocketFactory());
        }
        return o;
    }

    /** The broker's refusal or the network's failure, in words an installer can act on. */
    static String describe(MqttException e) {
        if (e instanceof MqttSecurityException) {
            return "the broker refused the connection: " + e.getMessage() + " (reason " + e.getReasonCode()
                    + "; check mqtt.username and the credentials file's " + MqttSettings.PASSWORD_SECRET + ")";
        }
        Throwable cause = e.getCause();
        return e.getMessage() + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
