package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsCommandTest {
    @TempDir
    Path dir;

    private Path data;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void storeWithTwoScreenings() throws Exception {
        data = dir.resolve("data");
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-7"))) {
            for (int i = 1; i <= 2; i++) {
                store.save(new ScreeningRecord(Instant.parse("2026-11-2" + i + "T10:00:00Z"), "dev-7", "P-" + i, null,
                        i == 1 ? "LOW" : "REFER", i == 1 ? 0.1 : 0.9, "{\"n\": " + i + "}",
                        Map.of("cls", "0".repeat(64)), "0.1.0", Map.of("frame.png", new byte[]{(byte) i, 2, 3})));
            }
        }
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    /** As Main runs it: a SetupException is exit code 2. */
    private int run(String... args) {
        CommandLine cli = new CommandLine(new ResultsCommand());
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SetupException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return Main.EXIT_SETUP;
            }
            throw e;
        });
        return cli.execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listNewestFirstAsTableAndJson() throws Exception {
        assertEquals(0, run("list", "--data-dir", data.toString()));
        String[] lines = out().split("\n");
        assertEquals(3, lines.length, out());
        assertTrue(lines[1].matches(" +2  2026-11-22T10:00:00Z +REFER +0\\.900  P-2 .*"), lines[1]);
        out.reset();
        assertEquals(0, run("--data-dir", data.toString(), "list", "--since", "2026-11-22", "--json"));
        JsonNode only = org.melanoscreen.json.Json.MAPPER.readTree(out());
        assertEquals(2, only.get("id").asInt());
        assertEquals(2, only.get("result").get("n").asInt());
    }

    @Test
    void showReportsUnknownIds() throws Exception {
        assertEquals(1, run("show", "--data-dir", data.toString(), "1", "5"));
        assertTrue(out().contains("screening 1\n") && out().contains("patient       P-1"), out());
        assertTrue(out().matches("(?s).*file +frame\\.png +3 bytes  sha256 [0-9a-f]{64}.*"), out());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: screening 5: not found"));
        out.reset();
        assertEquals(0, run("show", "--data-dir", data.toString(), "--json", "2"));
        assertEquals("REFER", org.melanoscreen.json.Json.MAPPER.readTree(out()).get("risk").asText());
    }

    @Test
    void exportThenVerify() throws Exception {
        Path usb = dir.resolve("usb/export");
        Files.createDirectories(usb.getParent());
        assertEquals(0, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk", "--since",
                "2026-11-21T10:00:00Z"));
        assertTrue(out().startsWith("exported 2 screening(s), 4 file(s)"), out());
        assertTrue(Files.isRegularFile(usb.resolve("2/frame.png")));
        assertEquals(1, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk"),
                "never overwritten");
        assertTrue(Files.readString(data.resolve("audit.log")).contains(" EXPORT dev-7 2 screening(s) since "));

        assertEquals(0, run("verify", "--data-dir", data.toString()));
        try (var folders = Files.list(data.resolve("results"))) {
            Files.write(folders.sorted().findFirst().orElseThrow().resolve("frame.png"), new byte[]{9});
        }
        out.reset();
        assertEquals(1, run("verify", "--data-dir", data.toString()));
        assertTrue(out().startsWith("screening 1: frame.png is 1 bytes, 3 were stored"), out());
    }

    @Test
    void anExportNeedsAMountedTargetOffTheDataFoldersDisk() throws Exception {
        Path notMounted = dir.resolve("media/usb/export");
        assertEquals(1, run("export", "--data-dir", data.toString(), "--to", notMounted.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: export folder " + notMounted + ": "
                + dir.resolve("media/usb") + " does not exist or is not a folder (is the USB stick mounted?)"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(dir.resolve("media")), "no path created");
        Files.createDirectories(dir.resolve("media/usb"));
        assertEquals(1, run("export", "--data-dir", data.toString(), "--to", notMounted.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("on the same disk as the data folder"));
        assertTrue(Files.notExists(notMounted));
    }

    @Test
    void anExportThatLeavesSomethingOutNamesItAndExitsOne() throws Exception {
        try (var folders = Files.list(data.resolve("results"))) {
            Files.write(folders.sorted().findFirst().orElseThrow().resolve("frame.png"), new byte[]{9, 9, 9});
        }
        Path usb = dir.resolve("usb/export");
        Files.createDirectories(usb.getParent());
        assertEquals(1, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk"));
        assertTrue(out().startsWith("exported 2 screening(s), 3 file(s)"), out());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: screening 1: frame.png differs from what "
                + "was stored (SHA-256 mismatch); not exported"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(usb.resolve("problems.txt")));
    }

    @Test
    void exportAsDicomWritesOneFilePerScreeningAndNamesTheFramesItCannotRead() throws Exception {
        byte[] png;
        try (Frame f = TestImages.lesion(64, 48, 3).toFrame("synthetic")) {
            png = TestImages.encode(f, ".png");
        }
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-7"))) {
            store.save(new ScreeningRecord(Instant.parse("2026-11-23T10:00:00Z"), "dev-7", "P-3", "L-1", "REFER", 0.8,
                    "{\"n\": 3}", Map.of("cls", "0".repeat(64)), "0.1.0", Map.of("frame.png", png)));
        }
        Path config = dir.resolve("melanoscreen.conf");
        Files.writeString(config, "dicom.contact_method = NON_CONTACT\ndicom.polarization = POLARIZED\n");
        Path usb = dir.resolve("usb/dicom");
        Files.createDirectories(usb.getParent());
        assertEquals(1, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk",
                "--format", "dicom", "--config", config.toString()));
        assertTrue(out().startsWith("exported 1 screening(s), 1 file(s)"), out());
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains("error: screening 1: cannot be converted (frame.png cannot be decoded); not "
                + "exported"), errors);
        assertTrue(Files.isRegularFile(usb.resolve("3.dcm")));
        assertTrue(Files.notExists(usb.resolve("1.dcm")) && Files.notExists(usb.resolve("3")), "only DICOM files");
        byte[] dcm = Files.readAllBytes(usb.resolve("3.dcm"));
        assertEquals("DICM", new String(dcm, 128, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void aDicomExportWithoutTheDermatoscopesOpticsIsASetupError() {
        Path usb = dir.resolve("usb/dicom");
        assertEquals(2, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk",
                "--format", "dicom"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: DICOM export: a Dermoscopic Photography "
                + "Image needs dicom.contact_method and dicom.polarization"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("export", "--data-dir", data.toString(), "--to", usb.toString(), "--same-disk",
                "--format", "dicom", "--set", "dicom.polarization=CROSSED"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("dicom.polarization = 'CROSSED' must be empty or "
                + "one of NON_POLARIZED, POLARIZED"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(usb));
    }

    @Test
    void usageAndSetupErrorsAreExitCode2() {
        assertEquals(2, run("list", "--data-dir", dir.resolve("none").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no results store here"));
        assertEquals(2, run("list", "--data-dir", data.toString(), "--since", "yesterday"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'yesterday' is not an ISO-8601 time"));
        assertEquals(2, run("list", "--data-dir", data.toString(), "--limit", "0"));
        assertEquals(2, run("show", "--data-dir", data.toString(), "abc"));
        assertEquals(2, run("export", "--data-dir", data.toString()));
        assertEquals(2, run());
    }

    @Test
    void saysWhichDataFolderItReadsAndWhy() {
        assertEquals(0, run("list", "--data-dir", data.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("data folder: " + data.toAbsolutePath().normalize()
                + " (from --data-dir)\n"), err.toString(StandardCharsets.UTF_8));
    }
}
