package org.melanoscreen.store;

/**
 * The index ({@code results.db}) failed SQLite's integrity check: nothing more may be written to it. What can still be
 * read is salvaged with {@code results export}.
 */
public final class StoreDamagedException extends StoreException {
    private static final long serialVersionUID = 1L;

    StoreDamagedException(String message, Throwable cause) {
        super(message, cause);
    }
}
