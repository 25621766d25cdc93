package org.melanoscreen.outbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The destinations' secrets (passwords, tokens, trust store passwords), kept out of the configuration file, the
 * audit log and the logs: one {@code key = value} a line in a file that only the service user may read. A file
 * that its group or others can read, or that belongs to another user than the service's (or root), is refused, so a
 * secret is never left readable or changeable by mistake. The values are
 * never printed: {@link #toString()} names the keys only.
 */
public final class Credentials {
    /** Besides the service user, the one owner a secrets file may have: only it could change the file anyway. */
    private static final String ROOT = "root";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;
    private final Map<String, String> values;

    private Credentials(Path file, Map<String, String> values) {
        this.file = file;
        this.values = Map.copyOf(values);
    }

    /** No secrets: for destinations that need none. */
    public static Credentials none(Path file) {
        return new Credentials(file, Map.of());
    }

    /**
     * Reads {@code file}; refuses it, saying how to fix it, when it is missing, is not a regular file, its group
     * or others have any permission on it, or another user than this process's (or root) owns it (an
     * {@link IllegalArgumentException}: a setup error).
     */
    public static Credentials load(Path file) {
        Set<PosixFilePermission> permissions;
        String owner;
        try {
            if (!Files.isRegularFile(file)) {
                throw setup(file + ": credentials file missing (create it with the destinations' secrets, owned "
                        + "by the service user, mode 600; outbox.credentials_file names it)");
            }
            permissions = Files.getPosixFilePermissions(file);
            owner = Files.getOwner(file).getName();
        } catch (IOException e) {
            throw setup(file + ": credentials file cannot be checked (" + e.getMessage() + ")");
        }
        Set<PosixFilePermission> loose = EnumSet.copyOf(GROUP_OR_OTHERS);
        loose.retainAll(permissions);
        if (!loose.isEmpty()) {
            throw setup(file + ": credentials file is open to its group or others (mode "
                    + PosixFilePermissions.toString(permissions) + "); it must be readable by the service user only: "
                    + "chown melanoscreen " + file + " && chmod 600 " + file);
        }
        String serviceUser = System.getProperty("user.name");
        if (!owner.equals(serviceUser) && !owner.equals(ROOT)) {
            throw setup(file + ": credentials file belongs to " + owner + ", who could read or change the secrets; "
                    + "it must belong to the service user: chown " + serviceUser + " " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw setup(file + ": credentials file missing");
        } catch (IOException | IllegalArgumentException e) {
            throw setup(file + ": credentials file cannot be read (" + e.getMessage() + "; run as the service user)");
        }
        Map<String, String> values = new HashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).trim()));
        return new Credentials(file, values);
    }

    /** The secret {@code key}, or an error naming the file, the key and what needs it. */
    public String require(String key, String neededFor) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw setup(file + ": " + key + " missing (needed for " + neededFor + ")");
        }
        return v;
    }

    /** Every secret by key, for a destination or client that looks its own up (FHIR, MQTT). */
    public Map<String, String> secrets() {
        return values;
    }

    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "credentials " + file + " " + values.keySet().stream().sorted().toList();
    }

    private static IllegalArgumentException setup(String reason) {
        return new IllegalArgumentException(reason);
    }
}
