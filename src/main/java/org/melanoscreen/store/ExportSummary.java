package org.melanoscreen.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ResultStore#export} wrote.
 *
 * @param problems each screening, file or index part that could not be exported, in words; empty when all was
 */
public record ExportSummary(Path folder, int screenings, int files, long bytes, List<String> problems) {
    public ExportSummary {
        problems = List.copyOf(problems);
    }
}
