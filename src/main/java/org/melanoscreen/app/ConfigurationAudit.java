package org.melanoscreen.app;

import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes an audit line for each configuration key that changed since the service last started with a data folder,
 * and keeps the configuration in effect there ({@value #LAST_CONFIG}) for the next start to compare with.
 */
final class ConfigurationAudit {
    static final String LAST_CONFIG = "last-config.properties";

    private ConfigurationAudit() {
    }

    static void record(ResultStore store, ServiceConfig config) throws StoreException {
        Path last = store.dataFolder().resolve(LAST_CONFIG);
        try {
            Map<String, String> before = read(last);
            List<String> changes = before.isEmpty() ? List.of("first start with this data folder")
                    : config.changesSince(before);
            for (String change : changes) {
                store.audit("CONFIG", change);
            }
            Properties now = new Properties();
            now.putAll(config.effective());
            Path tmp = last.resolveSibling(LAST_CONFIG + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                now.store(out, "configuration in effect at the last start");
            }
            Files.move(tmp, last, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StoreException(last + ": configuration record cannot be written (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> read(Path last) throws IOException {
        Map<String, String> before = new LinkedHashMap<>();
        if (Files.exists(last)) {
            Properties previous = new Properties();
            try (InputStream in = Files.newInputStream(last)) {
                previous.load(in);
            }
            previous.forEach((k, v) -> before.put(k.toString(), v.toString()));
        }
        return before;
    }
}
