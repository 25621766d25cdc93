package org.melanoscreen.fleet;

import java.time.Duration;
import java.util.Map;

/** How far each destination's outbox is behind, for the health message. */
@FunctionalInterface
public interface OutboxDepth {
    /**
     * @param pending   screenings not yet accepted by the destination
     * @param oldestAge how long the oldest of them has waited; {@link Duration#ZERO} when none is pending
     */
    record Queue(long pending, Duration oldestAge) {
    }

    /** Per destination name ("pacs", "fhir"), in a stable order. */
    Map<String, Queue> depths();

    /** No outbox: the device sends to no server. */
    OutboxDepth NONE = Map::of;
}
