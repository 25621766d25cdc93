package org.melanoscreen.store;

/** One file of a stored screening, as recorded when it was committed. */
public record StoredFile(String name, long size, String sha256) {
}
