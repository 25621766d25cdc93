package org.melanoscreen.export;

import org.melanoscreen.store.ExportSummary;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;

import java.nio.file.Path;
import java.time.Instant;

/** The USB folder export: screenings.csv, screenings.json and each screening's stored files, checked. */
public final class FolderExporter implements ScreeningExporter {
    @Override
    public ExportSummary export(ResultStore store, Path to, Instant since, boolean sameDiskAllowed)
            throws StoreException {
        return store.export(to, since, sameDiskAllowed);
    }
}
