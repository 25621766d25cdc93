package org.melanoscreen.outbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CredentialsTest {
    @TempDir
    Path dir;

    private Path file(String mode) throws Exception {
        Path f = dir.resolve("credentials.conf");
        Files.writeString(f, "pacs.password = s3cret-Pa55\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void aFileOnlyItsOwnerCanReadGivesItsSecretsAndNeverPrintsThem() throws Exception {
        Credentials c = Credentials.load(file("rw-------"));
        assertEquals("s3cret-Pa55", c.require("pacs.password", "pacs.auth = basic"));
        assertFalse(c.toString().contains("s3cret"), c.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.require("pacs.token", "pacs.auth = bearer"));
        assertEquals(dir.resolve("credentials.conf") + ": pacs.token missing (needed for pacs.auth = bearer)",
                e.getMessage());
    }

    @Test
    void aFileItsGroupOrOthersCanReadIsRefusedWithTheFix() throws Exception {
        for (String mode : new String[]{"rw-r--r--", "rw-r-----", "rw----r--", "rw------x"}) {
            Path f = file(mode);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Credentials.load(f), mode);
            assertTrue(e.getMessage().contains("open to its group or others (mode " + mode + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600 " + f), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    void aFileAnotherUserOwnsIsRefusedWithTheFix() throws Exception {
        // only root can give a file away; elsewhere (a developer's account) this is not testable
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown the file");
        Path f = file("rw-------");
        Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Credentials.load(f));
        assertEquals(f + ": credentials file belongs to nobody, who could read or change the secrets; it must belong "
                + "to the service user: chown root " + f, e.getMessage());
    }

    @Test
    void aMissingFileIsASetupErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Credentials.load(dir.resolve("absent.conf")));
        assertTrue(e.getMessage().startsWith(dir.resolve("absent.conf") + ": credentials file missing"), e.getMessage());
    }

    @Test
    void retrySettingsHaveRangesAndTheCapIsAtLeastTheFirstWait() {
        OutboxSettings s = OutboxSettings.parse(Map.of());
        assertEquals(Duration.ofSeconds(30), s.retryInitial());
        assertEquals(Duration.ofSeconds(3600), s.delayAfter(50));
        assertEquals(Duration.ofSeconds(240), s.delayAfter(4));
        IllegalArgumentException cap = assertThrows(IllegalArgumentException.class,
                () -> OutboxSettings.parse(Map.of("outbox.retry_initial_s", "60", "outbox.retry_max_s", "10")));
        assertEquals("outbox.retry_max_s (10) must be at least outbox.retry_initial_s (60)", cap.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> OutboxSettings.parse(Map.of("outbox.retry_initial_s", "0")));
        assertEquals("outbox.retry_initial_s = '0' is out of range: it must be from 1 to 86400", range.getMessage());
    }
}
