package org.melanoscreen.export;

import org.melanoscreen.store.ExportSummary;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;

import java.nio.file.Path;
import java.time.Instant;

/** One export format of the stored screenings. */
public interface ScreeningExporter {
    /**
     * Exports the screenings from {@code since} on ({@code null}: all) into the new folder {@code to}, under the
     * store's export rules (see {@link ResultStore#export(Path, Instant, boolean)}).
     */
    ExportSummary export(ResultStore store, Path to, Instant since, boolean sameDiskAllowed) throws StoreException;
}
