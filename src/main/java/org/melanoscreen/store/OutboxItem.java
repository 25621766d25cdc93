package org.melanoscreen.store;

import java.time.Instant;

/**
 * A screening queued for a destination.
 *
 * @param attempts how many times sending it has failed so far (since the last {@code results sync --retry-now})
 * @param queued   when it was queued: when the screening was stored
 */
public record OutboxItem(long screeningId, String destination, int attempts, Instant queued) {
}
