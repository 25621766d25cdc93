package org.melanoscreen.outbox;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the outbox retries ({@link #KEYS}, part of the service configuration): after the n-th failure in a row an
 * item waits {@code retryInitial * 2^(n-1)}, at most {@code retryMax}; and where the destinations' secrets are.
 *
 * @param credentialsFile the file with the destinations' passwords and tokens (see {@link Credentials})
 */
public record OutboxSettings(Duration retryInitial, Duration retryMax, Path credentialsFile) {
    /** Seconds before the first retry. */
    public static final Range RETRY_INITIAL_S = Range.closed(1, 86_400);
    /** Seconds between retries at most. */
    public static final Range RETRY_MAX_S = Range.closed(1, 604_800);
    public static final Path DEFAULT_CREDENTIALS = Path.of("/etc/melanoscreen/credentials.conf");

    private static final Key RETRY_INITIAL = Key.integer("outbox.retry_initial_s", 30, RETRY_INITIAL_S,
            "Outbox: seconds before a screening the server did not take is sent again; doubled after each failure in "
                    + "a row.");
    private static final Key RETRY_MAX = Key.integer("outbox.retry_max_s", 3600, RETRY_MAX_S,
            "Outbox: longest wait between two tries, at least outbox.retry_initial_s.");

    public static final List<Key> KEYS = List.of(
            RETRY_INITIAL,
            RETRY_MAX,
            Key.owned("outbox.credentials_file", DEFAULT_CREDENTIALS.toString(), "Outbox: the destinations' secrets "
                    + "(pacs.password, pacs.token, pacs.trust_store_password, ...), one 'key = value' a line; it "
                    + "must be readable by the service user only (chmod 600)."));

    public OutboxSettings {
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("outbox.retry_max_s (" + retryMax.toSeconds()
                    + ") must be at least outbox.retry_initial_s (" + retryInitial.toSeconds() + ")");
        }
    }

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static OutboxSettings parse(Map<String, String> values) {
        Map<String, String> v = Key.withDefaults(KEYS, values);
        String file = v.get("outbox.credentials_file");
        if (file.isEmpty()) {
            throw new IllegalArgumentException("outbox.credentials_file must not be empty");
        }
        return new OutboxSettings(Duration.ofSeconds(Integer.parseInt(RETRY_INITIAL.checked(v))),
                Duration.ofSeconds(Integer.parseInt(RETRY_MAX.checked(v))), Path.of(file));
    }

    /** How long an item waits after its {@code failures}-th failure in a row (1 or more). */
    public Duration delayAfter(int failures) {
        Duration d = retryInitial;
        for (int i = 1; i < failures && d.compareTo(retryMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }
}
