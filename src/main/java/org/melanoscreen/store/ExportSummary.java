package org.melanoscreen.store;

import java.nio.file.Path;

/** What {@link ResultStore#export} wrote. */
public record ExportSummary(Path folder, int screenings, int files, long bytes) {
}
