package org.melanoscreen.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One destination's queue, for {@code results sync} and the fleet health message.
 *
 * @param pending       items not yet delivered that will be tried again, {@code retrying} of them after a failure
 * @param failed        items the server refused (they wait for {@code results sync --retry-now})
 * @param oldestPending when the oldest pending item was queued; null when none is pending
 * @param lastReason    why the most recent retried item failed; null when none is waiting to be retried
 * @param failures      the newest failed items with the server's reason (at most 20)
 */
public record OutboxStatus(String destination, long pending, long retrying, long failed, long done,
                           Instant oldestPending, String lastReason, List<Failure> failures) {
    /** A failed item: the screening and the server's reason. */
    public record Failure(long screeningId, String reason) {
    }

    public OutboxStatus {
        failures = List.copyOf(failures);
    }

    /** Items not delivered: pending and failed. */
    public long depth() {
        return pending + failed;
    }

    /** How long the oldest pending item has waited at {@code now}; null when none is pending. */
    public Duration oldestPendingAge(Instant now) {
        return oldestPending == null ? null : Duration.between(oldestPending, now);
    }
}
