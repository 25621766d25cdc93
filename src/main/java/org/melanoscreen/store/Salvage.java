package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.melanoscreen.store.ResultStore.DATABASE;

/**
 * The reading side of an export: screening by screening, so that a damaged page of the index costs only the rows
 * on it; what cannot be read is named, and the folders of unreadable rows are exported unchecked.
 */
final class Salvage {
    private Salvage() {
    }

    /** Exports the screenings from {@code since} on ({@code null}: all). */
    static void export(ScreeningRows rows, Path results, Instant since, Exporter exporter) throws StoreException {
        List<Long> ids;
        boolean damaged = false;
        try {
            ids = rows.ids();
        } catch (SQLException e) {
            exporter.problem(DATABASE + ": the list of screenings cannot be read (" + e.getMessage()
                    + "); every id up to the highest ever given was tried");
            ids = rows.idsUpToHighest();
            damaged = true;
        }
        Set<String> readable = new HashSet<>();
        for (long id : ids) {
            Optional<StoredScreening> s;
            try {
                s = rows.get(id);
            } catch (StoreException e) {
                exporter.problem("screening " + id + ": cannot be read from " + DATABASE + " ("
                        + rootMessage(e) + "); not exported");
                damaged = true;
                continue;
            }
            if (s.isEmpty()) {
                continue;
            }
            readable.add(s.get().folder().getFileName().toString());
            if (since == null || !s.get().time().isBefore(since)) {
                exporter.add(s.get());
            }
        }
        if (damaged) {
            for (Path folder : unreferencedFolders(results, readable)) {
                exporter.addUnindexed(folder);
            }
        }
    }

    private static List<Path> unreferencedFolders(Path results, Set<String> referenced) throws StoreException {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(p -> !referenced.contains(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new StoreException(results + ": cannot be listed (" + DurableFiles.reason(e) + ")", e);
        }
    }

    private static String rootMessage(Exception e) {
        return e.getCause() instanceof SQLException q ? q.getMessage() : e.getMessage();
    }
}
