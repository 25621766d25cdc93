/**
 * The results store: every screening's row in an SQLite index ({@code results.db}) and its files in a folder,
 * saved crash-safely (files fsynced and renamed into place before the row is committed), the audit trail
 * ({@code audit} table and {@code audit.log}), retention, verification, the export to a USB stick and the outbox
 * (each screening queued for the clinic's servers in the transaction that commits it). It proves
 * the data folder writable on request, refuses to write into an index that fails SQLite's integrity check, and
 * salvages what can still be read from one. It knows nothing of images, models or the appliance's states: an
 * {@link org.melanoscreen.store.ExportConverter} turns screenings into other formats for an export.
 */
package org.melanoscreen.store;
