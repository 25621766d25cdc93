package org.melanoscreen.fleet;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fleet view's broker ({@link #KEYS}, part of the service configuration, documented in
 * device/melanoscreen.conf). Off by default: an empty {@code mqtt.url}. The password is not a setting: it comes
 * from the credentials file, readable only by the service user.
 *
 * @param url         the broker, {@code tcp://host:1883} or {@code ssl://host:8883}; {@code null} when off
 * @param clientId    the MQTT client id; {@code null}: the device id
 * @param topicPrefix the topics are {@code prefix/device-id/health} and {@code prefix/device-id/status}
 * @param interval    time between two health messages (a state change publishes at once as well)
 * @param username    the user name; {@code null}: connect without one
 * @param trustStore  CA certificates (PEM) or a PKCS12/JKS trust store for {@code ssl://}; {@code null}: the
 *                    JVM's own trusted CAs
 * @param timeout     longest wait for the broker's answer to a connect or a publish
 */
public record MqttSettings(URI url, String clientId, String topicPrefix, Duration interval, String username,
                           Path trustStore, Duration timeout) {


    /** The secrets the credentials file may hold for the broker. */
    public static final String PASSWORD_SECRET = "mqtt.password";
    public static final String TRUST_STORE_PASSWORD_SECRET = "mqtt.trust_store_password";

    /** Seconds between two health messages. */
    public static final Range INTERVAL_S = Range.closed(1, 86400);
    /** Seconds to wait for the broker. */
    public static final Range TIMEOUT_S = Range.closed(1, 600);

    /** A topic level without wildcards or separators. */
    private static final Pattern TOPIC = Pattern.compile("[^#+/\\u0000]{1,64}(/[^#+/\\u0000]{1,64}){0,7}");
    /** An MQTT 3.1.1 client id any broker takes, a little longer than the 23 it must. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final Key INTERVAL = Key.number("mqtt.interval_s", 60, INTERVAL_S,
            "MQTT: seconds between health messages (each state change sends one at once too).");
    private static final Key TIMEOUT = Key.number("mqtt.timeout_s", 10, TIMEOUT_S,
            "MQTT: seconds to wait for the broker.");

    public static final List<Key> KEYS = List.of(
            Key.owned("mqtt.url", "", "Fleet view: MQTT broker receiving this device's health (no patient data), "
                    + "tcp://host:1883 or ssl://host:8883; empty = off."),
            Key.owned("mqtt.client_id", "", "MQTT client id; empty = device.id (letters, digits, '.', '_', '-')."),
            Key.owned("mqtt.topic_prefix", "melanoscreen", "MQTT topics: PREFIX/DEVICE-ID/health (JSON) and "
                    + "PREFIX/DEVICE-ID/status (retained online/offline)."),
            INTERVAL,
            Key.owned("mqtt.username", "", "MQTT user name; the password is " + PASSWORD_SECRET
                    + " in the credentials file; empty = anonymous."),
            Key.owned("mqtt.trust_store", "", "MQTT over ssl://: the CA certificates (PEM file) or trust store "
                    + "(PKCS12/JKS, password " + TRUST_STORE_PASSWORD_SECRET + " in the credentials file) the broker's "
                    + "certificate must chain to; empty = the system's CAs."),
            TIMEOUT);

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static MqttSettings parse(Map<String, String> values) {
        Map<String, String> v = Key.withDefaults(KEYS, values);
        URI url = v.get("mqtt.url").isEmpty() ? null : brokerUrl(v);
        String clientId = v.get("mqtt.client_id");
        if (!clientId.isEmpty() && !CLIENT_ID.matcher(clientId).matches()) {
            throw bad("mqtt.client_id", v, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (!TOPIC.matcher(v.get("mqtt.topic_prefix")).matches()) {
            throw bad("mqtt.topic_prefix", v, "must be 1 to 8 topic levels separated by '/', without '+' or '#'");
        }
        Duration interval = seconds(v, INTERVAL);
        Duration timeout = seconds(v, TIMEOUT);
        String trust = v.get("mqtt.trust_store");
        if (!trust.isEmpty() && url != null && !"ssl".equals(url.getScheme())) {
            throw bad("mqtt.trust_store", v, "is only for an ssl:// broker; mqtt.url is " + url);
        }
        return new MqttSettings(url, clientId.isEmpty() ? null : clientId, v.get("mqtt.topic_prefix"), interval,
                v.get("mqtt.username").isEmpty() ? null : v.get("mqtt.username"),
                trust.isEmpty() ? null : Path.of(trust), timeout);
    }

    public boolean enabled() {
        return url != null;
    }

    /** The client id this device connects with. */
    public String clientId(String deviceId) {
        return clientId != null ? clientId : deviceId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public String healthTopic(String deviceId) {
        return topicPrefix + "/" + topicLevel(deviceId) + "/health";
    }

    public String statusTopic(String deviceId) {
        return topicPrefix + "/" + topicLevel(deviceId) + "/status";
    }

    /** The device id as one topic level: a '/', '+' or '#' in it would make another topic or a wildcard. */
    private static String topicLevel(String deviceId) {
        return deviceId.replaceAll("[/+#\\u0000]", "_");
    }

    private static URI brokerUrl(Map<String, String> v) {
        try {
            URI uri = new URI(v.get("mqtt.url"));
            if (("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null
                    && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // named below
        }
        throw bad("mqtt.url", v, "must be empty, tcp://host:port or ssl://host:port");
    }

    private static Duration seconds(Map<String, String> v, Key key) {
        return Duration.ofMillis(Math.round(Double.parseDouble(key.checked(v)) * 1000));
    }

    private static IllegalArgumentException bad(String key, Map<String, String> v, String why) {
        return new IllegalArgumentException(key + " = '" + v.get(key) + "' " + why);
    }
}
