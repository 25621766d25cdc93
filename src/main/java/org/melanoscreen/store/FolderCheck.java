package org.melanoscreen.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A committed screening's folder against what was committed with it. */
final class FolderCheck {
    private FolderCheck() {
    }

    /** Files missing, of another size or SHA-256, or not committed; empty when the folder is intact. */
    static List<String> problems(StoredScreening s) {
        String what = "screening " + s.id() + ": ";
        if (!Files.isDirectory(s.folder())) {
            return List.of(what + "folder " + s.folder() + " missing");
        }
        List<String> problems = new ArrayList<>();
        Map<String, StoredFile> expected = new HashMap<>();
        for (StoredFile f : s.files()) {
            expected.put(f.name(), f);
            Path file = s.file(f.name());
            try {
                if (!Files.isRegularFile(file)) {
                    problems.add(what + f.name() + " missing");
                } else if (Files.size(file) != f.size()) {
                    problems.add(what + f.name() + " is " + Files.size(file) + " bytes, " + f.size() + " were stored");
                } else if (!DurableFiles.sha256(file).equals(f.sha256())) {
                    problems.add(what + f.name() + " differs from what was stored (SHA-256 mismatch)");
                }
            } catch (IOException e) {
                problems.add(what + f.name() + " cannot be read (" + DurableFiles.reason(e) + ")");
            }
        }
        try (Stream<Path> listing = Files.list(s.folder())) {
            listing.map(p -> p.getFileName().toString()).filter(n -> !expected.containsKey(n)).sorted()
                    .forEach(n -> problems.add(what + n + " was not stored with the screening"));
        } catch (IOException e) {
            problems.add(what + "folder " + s.folder() + " cannot be listed (" + DurableFiles.reason(e) + ")");
        }
        return problems;
    }
}
