package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.store.OutboxItem;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** results sync, selftest's destination checks and run's refusal of a loose credentials file. */
class OutboxCommandsTest {
    @TempDir
    Path dir;

    private Path data() throws Exception {
        Path data = dir.resolve("data");
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-7"))) {
            store.forwardTo(List.of("pacs"));
            for (int i = 1; i <= 3; i++) {
                store.save(new ScreeningRecord(Instant.parse("2026-11-2" + i + "T10:00:00Z"), "dev-7", "P-" + i, null,
                        "LOW", 0.1, "{\"n\": " + i + "}", Map.of("cls", "0".repeat(64)), "0.1.0",
                        Map.of("frame.png", new byte[]{(byte) i})));
            }
            Instant now = Instant.now();
            List<OutboxItem> due = store.outboxDue("pacs", now, 10);
            store.outboxDelivered(due.get(0), now);
            store.outboxFailed(due.get(1), "HTTP 400 from pacs: unknown SOP class", now);
            store.outboxRetryLater(due.get(2), "pacs: cannot be reached (ConnectException)", now.plusSeconds(600), now);
        }
        return data;
    }

    @Test
    void resultsSyncShowsEachDestinationsQueueWithTheServersReasonsAndRetriesNow() throws Exception {
        Path data = data();
        Cli.Run table = Cli.run("results", "--data-dir", data.toString(), "sync");
        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).matches("destination +pending +retrying +failed +done +oldest pending"), lines.get(0));
        assertTrue(lines.get(1).matches("pacs +1 +1 +1 +1 +\\d+s \\(since .*\\)"), lines.get(1));
        assertEquals("  retrying: pacs: cannot be reached (ConnectException)", lines.get(2));
        assertEquals("  failed: screening 2: HTTP 400 from pacs: unknown SOP class", lines.get(3));

        Cli.Run json = Cli.run("results", "--data-dir", data.toString(), "sync", "--json");
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals("pacs", o.get("destination").asText());
        assertEquals(1, o.get("failed").asInt());
        assertEquals(2, o.get("failures").get(0).get("screening").asInt());
        assertTrue(o.get("oldest_pending_age_s").asLong() >= 0);

        Cli.Run retry = Cli.run("results", "--data-dir", data.toString(), "sync", "--retry-now", "--json");
        assertTrue(retry.err().contains("2 item(s) made due now"), retry.err());
        JsonNode after = new ObjectMapper().readTree(retry.out());
        assertEquals(0, after.get("failed").asInt());
        assertEquals(0, after.get("retrying").asInt());
        assertEquals(2, after.get("pending").asInt());

        Cli.Run fhir = Cli.run("results", "--data-dir", data.toString(), "sync", "--enqueue-all", "fhir");
        assertTrue(fhir.err().contains("3 stored screening(s) queued for fhir"), fhir.err());
        assertTrue(fhir.out().lines().anyMatch(l -> l.matches("fhir +3 +0 +0 +0 +.*")), fhir.out());
    }

    private ServiceConfig pacsConfig(Map<String, String> extra) throws Exception {
        Map<String, String> set = new LinkedHashMap<>(Map.of("pacs.url", "http://127.0.0.1:" + closedPort()
                + "/dicom-web", "dicom.image_class", "vl-photographic"));
        set.putAll(extra);
        return ServiceConfig.load(null, set);
    }

    private static SelftestCommand.Check check(ServiceConfig config, String name) {
        return SelftestCommand.checks(config).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void selftestFailsAConfiguredPacsThatCannotBeReachedAndChecksNoneWhenNoneIsConfigured() throws Exception {
        ServiceConfig config = pacsConfig(Map.of());
        Exception e = assertThrows(Exception.class, () -> check(config, "pacs").probe().call());
        assertTrue(e.getMessage().startsWith("pacs at " + config.text("pacs.url") + ": cannot be reached"),
                e.getMessage());
        assertTrue(SelftestCommand.checks(ServiceConfig.load(null, Map.of())).stream()
                .noneMatch(c -> c.name().equals("pacs")));
    }

    @Test
    void aCredentialsFileOthersCanReadFailsSelftestAndStopsRunWithoutShowingTheSecret() throws Exception {
        Path credentials = dir.resolve("credentials.conf");
        Files.writeString(credentials, "pacs.password = hunter2-Secret\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> basic = Map.of("pacs.auth", "basic", "pacs.username", "device",
                "outbox.credentials_file", credentials.toString());
        Exception e = assertThrows(Exception.class, () -> check(pacsConfig(basic), "pacs").probe().call());
        assertTrue(e.getMessage().contains("open to its group or others"), e.getMessage());

        String url = pacsConfig(Map.of()).text("pacs.url");
        Cli.Run run = Cli.run("run", "--demo", "--captures", "1", "--set", "store.data_dir=" + dir.resolve("d"),
                "--set", "pacs.url=" + url, "--set", "dicom.image_class=vl-photographic", "--set", "pacs.auth=basic",
                "--set", "pacs.username=device", "--set", "outbox.credentials_file=" + credentials);
        assertEquals(Main.EXIT_SETUP, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(credentials + ": credentials file is open to its group or others"), run.err());
        assertFalse((run.out() + run.err()).contains("hunter2"), "the secret is never printed");
        assertFalse(Files.exists(dir.resolve("d")), "refused before anything started");
    }

    @Test
    void badPacsSettingsStopTheConfigurationNamingTheKey() {
        ServiceConfig.ConfigException auth = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("pacs.auth", "kerberos")));
        assertEquals("pacs.auth = 'kerberos' must be none, basic or bearer", auth.getMessage());
        ServiceConfig.ConfigException url = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("pacs.url", "ftp://pacs/dicom-web")));
        assertTrue(url.getMessage().startsWith("pacs.url = 'ftp://pacs/dicom-web' must be an http:// or https:// URL"),
                url.getMessage());
        ServiceConfig.ConfigException user = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("pacs.auth", "basic")));
        assertTrue(user.getMessage().startsWith("pacs.username = '' must be set"), user.getMessage());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
