package org.melanoscreen.export.dicom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.OpenCvLoader;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.store.ExportSummary;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.store.StoredScreening;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exports made here are checked by the real tools: dciodvfy (dicom3tools), dcmdump and dcmj2pnm (dcmtk). */
class DicomExportTest {
    private static final Instant T0 = Instant.parse("2026-03-04T10:15:30.123Z");
    private static final Map<String, String> DERMOSCOPIC = Map.of(
            "dicom.contact_method", "NON_CONTACT", "dicom.polarization", "POLARIZED",
            "dicom.magnification", "10", "dicom.body_site", "39937001 Skin structure");

    @TempDir
    Path dir;

    @BeforeAll
    static void opencv() {
        OpenCvLoader.load();
    }

    @Test
    void aDermoscopicImagePassesDciodvfyAndCarriesTheScreening() throws Exception {
        Path out = export(DERMOSCOPIC, "out", record(1, 321, 240, "PAT-0042", "L3", "REFER", 0.734));
        Path dcm = out.resolve("1.dcm");
        assertValid(dcm);
        String dump = dcmdump(dcm);
        assertAttribute(dump, "0002,0010", "=JPEGBaseline");
        assertAttribute(dump, "0008,0016", "=DermoscopicPhotographyImageStorage");
        assertAttribute(dump, "0008,0060", "[DMS]");
        assertAttribute(dump, "0010,0020", "[PAT-0042]");
        assertAttribute(dump, "0008,103e", "[Lesion L3]");
        assertAttribute(dump, "0008,0070", "[melanoscreen]");
        assertAttribute(dump, "0018,1000", "[dev-1]");
        assertAttribute(dump, "0018,1020", "[0.1.0-test\\cls-v2 sha256:cdcdcdcdcdcdcdcd\\seg-v1 sha256:abababababababab]");
        assertAttribute(dump, "0016,1001", "[POLARIZED]");
        assertAttribute(dump, "0016,1003", "[NON_CONTACT]");
        assertAttribute(dump, "0016,1005", "[10.0000]");
        assertAttribute(dump, "0008,0100", "[39937001]");
        assertAttribute(dump, "0008,0102", "[SCT]");
        assertAttribute(dump, "0028,0004", "[YBR_FULL_422]");
        assertAttribute(dump, "0028,0011", "321");
        assertAttribute(dump, "0028,0010", "240");
        assertAttribute(dump, "0020,4000", "[melanoscreen screening aid, not a diagnosis. Result: REFER; "
                + "melanoma probability: 0.734; lesion: L3;");
        assertTrue(Files.readString(out.resolve("screenings.csv")).contains(",1.dcm\r\n"), "the index names the file");
        byte[] file = Files.readAllBytes(dcm);
        assertTrue(hasMarker(file, 0xC0) && !hasMarker(file, 0xC2), "a baseline JPEG, not a progressive one");
    }

    @Test
    void thePixelDataDecodesBackCloseToTheStoredFrame() throws Exception {
        Path out = export(DERMOSCOPIC, "out", record(1, 320, 240, "PAT-1", null, "LOW", 0.05));
        Path png = dir.resolve("decoded.png");
        // dcmtk's own JPEG decoder and colour model, not ours: a wrong photometric shows as wrong colours
        run(List.of("dcmj2pnm", "--write-png", out.resolve("1.dcm").toString(), png.toString()));
        Mat decoded = Imgcodecs.imread(png.toString(), Imgcodecs.IMREAD_COLOR);
        try (Frame stored = frame(320, 240)) {
            Mat bgr = new Mat();
            Imgproc.cvtColor(stored.rgb(), bgr, Imgproc.COLOR_RGB2BGR);
            assertEquals(320, decoded.cols());
            assertEquals(240, decoded.rows());
            Mat diff = new Mat();
            Core.absdiff(decoded, bgr, diff);
            Scalar mean = Core.mean(diff);
            for (int c = 0; c < 3; c++) {
                assertTrue(mean.val[c] < 2.5, "mean difference per channel " + mean);
            }
            bgr.release();
            diff.release();
        } finally {
            decoded.release();
        }
    }

    @Test
    void theSameScreeningExportedTwiceIsTheSameInstanceAndAnotherIsNot() throws Exception {
        Path data = dir.resolve("data");
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-1"))) {
            store.save(record(1, 64, 48, "PAT-1", "L1", "LOW", 0.1));
            store.save(record(2, 64, 48, "PAT-1", "L1", "LOW", 0.1));
            DicomExporter exporter = new DicomExporter(DicomSettings.parse(DERMOSCOPIC));
            exporter.export(store, dir.resolve("a"), null, true);
            exporter.export(store, dir.resolve("b"), null, true);
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/1.dcm")), Files.readAllBytes(dir.resolve("b/1.dcm")),
                "a resend is byte for byte the same instance");
        String first = dcmdump(dir.resolve("a/1.dcm"));
        String second = dcmdump(dir.resolve("a/2.dcm"));
        for (String tag : List.of("0008,0018", "0020,000d", "0020,000e")) {
            assertNotEquals(value(first, tag), value(second, tag), tag + " differs between screenings");
            assertTrue(value(first, tag).matches("\\[2\\.25\\.\\d{1,39}\\]"), value(first, tag));
        }
        assertEquals(value(first, "0002,0003"), value(first, "0008,0018"));
    }

    @Test
    void theVlPhotographicFallBackPassesDciodvfyWithoutDermoscopicAttributes() throws Exception {
        Path out = export(Map.of("dicom.image_class", "vl-photographic"), "out",
                record(1, 200, 150, null, null, "RETAKE", null));
        Path dcm = out.resolve("1.dcm");
        assertValid(dcm);
        String dump = dcmdump(dcm);
        assertAttribute(dump, "0008,0016", "=VLPhotographicImageStorage");
        assertAttribute(dump, "0008,0060", "[XC]");
        assertFalse(dump.contains("(0016,1003)"), "no contact method in a VL Photographic Image");
        assertAttribute(dump, "0020,4000", "[melanoscreen screening aid, not a diagnosis. Result: RETAKE; "
                + "melanoma probability: none");
    }

    @Test
    void aDermoscopicExportWithoutTheOpticsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DicomExporter(DicomSettings.parse(Map.of("dicom.polarization", "POLARIZED"))));
        assertTrue(e.getMessage().startsWith("DICOM export: a Dermoscopic Photography Image needs "
                + "dicom.contact_method and dicom.polarization"), e.getMessage());
    }

    @Test
    void aScreeningDicomCannotHoldIsNamedAndTheOthersAreExported() throws Exception {
        String longRef = "P".repeat(65);
        Path data = dir.resolve("data");
        ExportSummary summary;
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(data, "dev-1"))) {
            store.save(record(1, 64, 48, longRef, null, "LOW", 0.1));
            store.save(record(2, 64, 48, "PAT-2", null, "LOW", 0.1));
            store.save(record(3, 64, 48, "PAT-3", "arm\\left", "LOW", 0.1));
            summary = new DicomExporter(DicomSettings.parse(DERMOSCOPIC)).export(store, dir.resolve("out"), null, true);
        }
        assertEquals(1, summary.screenings());
        assertEquals(2, summary.problems().size());
        assertTrue(summary.problems().get(0).startsWith("screening 1: cannot be converted (DICOM attribute "
                + "(0010,0020) LO: '" + longRef + "' is 65 characters"), summary.problems().get(0));
        assertEquals("screening 3: cannot be converted (lesion reference 'arm\\left' contains a backslash, which "
                + "DICOM reads as a separator between values); not exported", summary.problems().get(1));
        assertFalse(Files.exists(dir.resolve("out/3.dcm")));
        assertFalse(Files.exists(dir.resolve("out/1.dcm")));
        assertValid(dir.resolve("out/2.dcm"));
    }

    @Test
    void everyOpticsTermTheSettingsAcceptPassesDciodvfyAndAnUnknownOneWouldNot() throws Exception {
        byte[] png;
        try (Frame f = frame(64, 48)) {
            png = TestImages.encode(f, ".png");
        }
        StoredScreening s = new StoredScreening(1, T0, "dev-1", "PAT-1", null, "LOW", 0.1, "{}",
                Map.of("seg-v1", "ab".repeat(32)), "0.1.0-test", dir, List.of());
        List<Map<String, String>> optics = new ArrayList<>();
        for (String polarization : DicomSettings.POLARIZATIONS) {
            for (String contact : DicomSettings.CONTACT_METHODS) {
                optics.add(Map.of("dicom.contact_method", contact, "dicom.polarization", polarization));
            }
            for (String medium : DicomSettings.IMMERSION_MEDIA) {
                optics.add(Map.of("dicom.contact_method", "CONTACT", "dicom.immersion_media", medium,
                        "dicom.polarization", polarization));
            }
        }
        for (Map<String, String> o : optics) {
            Path dcm = dir.resolve(String.join("-", new java.util.TreeMap<>(o).values()) + ".dcm");
            Files.write(dcm, new DicomExporter(DicomSettings.parse(o)).file(s, png));
            assertValid(dcm);
        }
        // the check above can fail: dciodvfy knows these terms
        Path wrong = dir.resolve("wrong.dcm");
        Files.write(wrong, new DicomExporter(new DicomSettings(DicomSettings.ImageClass.DERMOSCOPIC, null, "WET",
                null, "POLARIZED", null, "melanoscreen")).file(s, png));
        assertTrue(run(List.of("dciodvfy", wrong.toString())).contains("Error - Unrecognized enumerated value <WET>"));
    }

    @Test
    void badSettingsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DicomSettings.parse(Map.of("dicom.contact_method", "WET")));
        assertTrue(e.getMessage().startsWith("dicom.contact_method = 'WET' must be empty or one of"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DicomSettings.parse(Map.of("dicom.body_site", "skin")));
        assertTrue(e.getMessage().startsWith("dicom.body_site = 'skin' must be a SNOMED CT concept id"));
        e = assertThrows(IllegalArgumentException.class, () -> DicomSettings.parse(Map.of(
                "dicom.contact_method", "NON_CONTACT", "dicom.immersion_media", "ALCOHOL")));
        assertEquals("dicom.immersion_media = 'ALCOHOL' needs dicom.contact_method = CONTACT", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DicomSettings.parse(Map.of("dicom.magnification", "0")));
        assertTrue(e.getMessage().startsWith("dicom.magnification = '0' is out of range"), e.getMessage());
    }

    private Path export(Map<String, String> settings, String name, ScreeningRecord... records) throws Exception {
        Path to = dir.resolve(name);
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(dir.resolve("data"), "dev-1"))) {
            for (ScreeningRecord r : records) {
                store.save(r);
            }
            ExportSummary s = new DicomExporter(DicomSettings.parse(settings)).export(store, to, null, true);
            assertEquals(List.of(), s.problems());
            assertEquals(records.length, s.screenings());
        }
        return to;
    }

    /** Whether the JPEG marker FF {@code code} occurs (in entropy-coded data an FF is always followed by 00). */
    private static boolean hasMarker(byte[] bytes, int code) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xFF && bytes[i + 1] == (byte) code) {
                return true;
            }
        }
        return false;
    }

    private static Frame frame(int width, int height) {
        return TestImages.lesion(width, height, 7).toFrame("synthetic");
    }

    private static ScreeningRecord record(long n, int width, int height, String patient, String lesion, String risk,
                                          Double p) {
        byte[] png;
        try (Frame f = frame(width, height)) {
            png = TestImages.encode(f, ".png");
        }
        Map<String, byte[]> files = new HashMap<>();
        files.put("frame.png", png);
        return new ScreeningRecord(T0.plusSeconds(n), "dev-1", patient, lesion, risk, p, "{\"n\": " + n + "}",
                Map.of("seg-v1", "ab".repeat(32), "cls-v2", "cd".repeat(32)), "0.1.0-test", files);
    }

    /** dciodvfy's verdict: every line it prints, none of them an error. */
    private static void assertValid(Path dcm) throws Exception {
        String report = run(List.of("dciodvfy", dcm.toString()));
        List<String> errors = report.lines().filter(l -> l.contains("Error")).toList();
        assertEquals(List.of(), errors, "dciodvfy on " + dcm + ":\n" + report);
    }

    private static String dcmdump(Path dcm) throws Exception {
        return run(List.of("dcmdump", "+L", dcm.toString()));
    }

    private static void assertAttribute(String dump, String tag, String expected) {
        String v = value(dump, tag);
        assertTrue(v.startsWith(expected), "(" + tag + ") is " + v + ", expected " + expected);
    }

    /** The value dcmdump shows for {@code tag} (first occurrence), as "[text]", "=UIDName" or a number. */
    private static String value(String dump, String tag) {
        Matcher m = Pattern.compile("^\\s*\\(" + Pattern.quote(tag) + "\\) \\w\\w (.*?)\\s+#", Pattern.MULTILINE)
                .matcher(dump);
        assertTrue(m.find(), "(" + tag + ") not in dcmdump's output:\n" + dump);
        return m.group(1);
    }

    /** Runs a tool, returning its standard output and error together; a tool that is missing fails the test. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " is missing: install dicom3tools and dcmtk "
                    + "(device/dev-setup.sh does)", e);
        }
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        if (!command.get(0).equals("dciodvfy")) {
            assertEquals(0, p.exitValue(), command + ":\n" + text);
        }
        return text;
    }
}
