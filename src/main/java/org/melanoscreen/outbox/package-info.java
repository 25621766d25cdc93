/**
 * Store-and-forward of stored screenings to the clinic's servers: the {@link org.melanoscreen.outbox.Destination}
 * each server is reached through, the {@link org.melanoscreen.outbox.OutboxSender} thread that sends what is due
 * with back-off, its {@link org.melanoscreen.outbox.OutboxSettings} and the destinations'
 * {@link org.melanoscreen.outbox.Credentials}. The queue itself lives in the results store (same crash-safety
 * rules); this package must not touch the screening path: a server that is down never delays a capture.
 */
package org.melanoscreen.outbox;
