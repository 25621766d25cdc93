/**
 * Store-and-forward of stored screenings to the clinic's servers: the {@link org.melanoscreen.outbox.Destination}
 * each server is reached through. The queue itself lives in the results store (same crash-safety rules); this
 * package must not touch the screening path: a server that is down never delays a capture.
 */
package org.melanoscreen.outbox;
