package org.melanoscreen.outbox;

import org.melanoscreen.store.StoredScreening;

/**
 * A server that every stored screening is forwarded to (the clinic's PACS over DICOMweb, its FHIR server). The
 * outbox calls {@link #send} from its sender thread, never from the screening path, and marks an item done only
 * when {@code send} returns normally.
 */
public interface Destination {
    /** The destination's name in the configuration, the outbox table and {@code results sync} (e.g. "pacs"). */
    String name();

    /**
     * Sends {@code screening} and returns only once the server has confirmed that it stored it. Sending the same
     * screening again must leave the server with one copy (stable identifiers derived from the stored screening),
     * because a crash between the server's success and the outbox's commit makes the outbox send it again.
     *
     * @throws DeliveryException with {@link DeliveryException#permanent()} when the server refused the content
     *                           itself (retrying cannot help), otherwise the item is retried with back-off
     */
    void send(StoredScreening screening) throws DeliveryException;

    /** Proves for {@code selftest} that the server is reachable and accepts the credentials; sends no patient data. */
    void check() throws DeliveryException;
}
