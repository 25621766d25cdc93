package org.melanoscreen.export.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.OpenCvLoader;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.outbox.FakeClock;
import org.melanoscreen.outbox.OutboxSender;
import org.melanoscreen.outbox.OutboxSettings;
import org.melanoscreen.outbox.TestDestination;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.store.StoredScreening;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The outbox and its sender against a real Orthanc (Debian's orthanc 1.10 with orthanc-dicomweb) on loopback,
 * authentication on: what arrives (read back by QIDO-RS and WADO-RS metadata, pixel data by Orthanc's raw frame),
 * a resend after a kill, Orthanc down and back, wrong credentials. Skipped, saying why, where Orthanc is absent.
 */
class OrthancStowTest {
    private static final Instant T0 = Instant.parse("2026-12-01T09:30:00.250Z");
    private static final Map<String, String> DICOM = Map.of("dicom.contact_method", "CONTACT",
            "dicom.polarization", "POLARIZED", "dicom.body_site", "39937001 Skin structure");
    private static final String DERMOSCOPIC_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.7";

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final DicomExporter dicom = new DicomExporter(DicomSettings.parse(DICOM));
    private Orthanc orthanc;
    private ResultStore store;

    @BeforeEach
    void startOrthanc() throws Exception {
        assumeTrue(Orthanc.missing().isEmpty(), () -> "skipped: " + Orthanc.missing().orElse(""));
        OpenCvLoader.load();
        orthanc = Orthanc.start(dir.resolve("orthanc"));
        store = ResultStore.open(StoreSettings.defaults(dir.resolve("data"), "dev-7"));
        store.forwardTo(List.of(StowRsDestination.NAME));
        opened.add(store);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private StowRsDestination pacs(String password) throws Exception {
        Path file = dir.resolve("credentials-" + Math.abs(password.hashCode()) + ".conf");
        Files.writeString(file, "pacs.password = " + password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PacsSettings settings = PacsSettings.parse(Map.of("pacs.url", orthanc.dicomWeb().toString(),
                "pacs.auth", "basic", "pacs.username", Orthanc.USER, "pacs.timeout_s", "10"));
        return new StowRsDestination(settings, Credentials.load(file), dicom);
    }

    private OutboxSender sender(Destination d) {
        OutboxSender s = new OutboxSender(() -> ResultStore.openShared(dir.resolve("data")), List.of(d),
                OutboxSettings.parse(Map.of()), clock);
        opened.add(s);
        return s;
    }

    private long save(int n) throws Exception {
        byte[] png;
        try (Frame f = TestImages.lesion(320, 240, n).toFrame("synthetic")) {
            png = TestImages.encode(f, ".png");
        }
        return store.save(new ScreeningRecord(T0.plusSeconds(n), "dev-7", "PAT-" + n, "L" + n, "REFER", 0.61,
                "{\"n\": " + n + "}", Map.of("seg-v1", "ab".repeat(32), "cls-v2", "cd".repeat(32)), "0.1.0-test",
                Map.of("frame.png", png)));
    }

    private StoredScreening stored(long id) throws Exception {
        return store.get(id).orElseThrow();
    }

    private OutboxStatus status() throws Exception {
        return store.outboxStatus().get(0);
    }

    @Test
    void screeningsArriveWithTheirAttributesAndPixelsAndAResendAfterAKillIsTheSameInstance() throws Exception {
        List<Long> ids = List.of(save(1), save(2), save(3));
        sender(pacs(Orthanc.PASSWORD)).runOnce();
        assertEquals(3, status().done());
        for (long id : ids) {
            StoredScreening s = stored(id);
            JsonNode found = orthanc.json("/dicom-web/instances?PatientID=" + s.patientRef());
            assertEquals(1, found.size(), "one instance of " + s.patientRef());
            JsonNode qido = found.get(0);
            assertEquals(DERMOSCOPIC_SOP_CLASS, value(qido, "00080016"));
            assertEquals(DicomExporter.instanceUid(s), value(qido, "00080018"));
            assertEquals(s.patientRef(), value(qido, "00100020"));
            JsonNode metadata = orthanc.json("/dicom-web/studies/" + value(qido, "0020000D") + "/series/"
                    + value(qido, "0020000E") + "/instances/" + value(qido, "00080018") + "/metadata").get(0);
            JsonNode site = metadata.path("00082218").path("Value").path(0);
            assertEquals("39937001", value(site, "00080100"));
            assertEquals("SCT", value(site, "00080102"));
            assertEquals("DMS", value(metadata, "00080060"));
            assertEquals("Lesion " + s.lesionRef(), value(metadata, "0008103E"));

            byte[] sent = jpegFragment(dicom.file(s));
            byte[] raw = orthanc.get("/instances/" + orthancId(s) + "/frames/0/raw").body();
            assertArrayEquals(sent, Arrays.copyOf(raw, sent.length), "the JPEG Orthanc holds is the one sent");
            assertTrue(raw.length - sent.length <= 1, "at most the fragment's padding byte more");
            assertTrue(meanDifference(raw, s.read("frame.png")) < 3, "the JPEG shows the stored frame");
        }

        long fourth = save(4);
        StowRsDestination real = pacs(Orthanc.PASSWORD);
        OutboxSender dying = sender(TestDestination.of(real.name(), sc -> {
            real.send(sc);
            throw new KilledAfterTheServersSuccess();
        }));
        assertThrows(KilledAfterTheServersSuccess.class, dying::runOnce);
        dying.close();
        assertEquals(1, status().pending(), "the kill came before the done mark");
        sender(real).runOnce();
        assertEquals(4, status().done());
        assertEquals(1, orthanc.json("/dicom-web/instances?PatientID=PAT-4").size(), "sent twice, stored once");
        assertEquals(DicomExporter.instanceUid(stored(fourth)),
                value(orthanc.json("/dicom-web/instances?PatientID=PAT-4").get(0), "00080018"));
        assertEquals(4, orthanc.json("/statistics").path("CountInstances").asInt());
    }

    /** Stands for a kill -9 of the device after the server's success, before the outbox's commit. */
    static final class KilledAfterTheServersSuccess extends Error {
    }

    @Test
    void whileOrthancIsDownScreeningsQueueWithBackOffAndWhenItIsBackEachArrivesExactlyOnce() throws Exception {
        save(1);
        save(2);
        OutboxSender sender = sender(pacs(Orthanc.PASSWORD));
        sender.runOnce();
        assertEquals(2, status().done());

        orthanc.stop();
        for (int n = 3; n <= 5; n++) {
            save(n);
        }
        Instant next = sender.runOnce();
        assertEquals(Duration.ofSeconds(5), Duration.between(clock.instant(), next), "polls on");
        OutboxStatus down = status();
        assertEquals(3, down.pending());
        assertEquals(1, down.retrying());
        assertTrue(down.lastReason().contains("cannot be reached"), down.lastReason());
        clock.advance(Duration.ofSeconds(30));
        sender.runOnce();
        assertEquals(1, status().retrying(), "one item tried per back-off");
        assertEquals(2, store.outboxDue("pacs", clock.instant().plusSeconds(59), 10).size(),
                "the retried one waits 60 s now");

        orthanc.start();
        clock.advance(Duration.ofSeconds(60));
        sender.runOnce();
        OutboxStatus back = status();
        assertEquals(5, back.done());
        assertEquals(0, back.depth());
        JsonNode all = orthanc.json("/dicom-web/instances");
        Set<String> uids = new HashSet<>();
        all.forEach(i -> uids.add(value(i, "00080018")));
        assertEquals(5, all.size());
        assertEquals(5, uids.size(), "each screening once");
        for (long id = 1; id <= 5; id++) {
            assertTrue(uids.contains(DicomExporter.instanceUid(stored(id))), "screening " + id);
        }
    }

    @Test
    void wrongCredentialsAreNamedByCheckAndRetriedWithoutShowingThePassword() throws Exception {
        pacs(Orthanc.PASSWORD).check();
        StowRsDestination wrong = pacs("not-the-Password-42");
        DeliveryException checked = assertThrows(DeliveryException.class, wrong::check);
        assertTrue(checked.getMessage().startsWith("HTTP 401 from pacs " + orthanc.dicomWeb() + "/studies?limit=1 "
                + "(credentials refused"), checked.getMessage());
        long id = save(1);
        DeliveryException sent = assertThrows(DeliveryException.class, () -> wrong.send(stored(id)));
        assertFalse(sent.permanent(), "an installer can fix the credentials: retried");
        for (String m : List.of(checked.getMessage(), sent.getMessage())) {
            assertFalse(m.contains("not-the-Password-42") || m.contains(Orthanc.PASSWORD), m);
        }
        assertEquals(0, orthanc.json("/statistics").path("CountInstances").asInt());
    }

    private String orthancId(StoredScreening s) throws Exception {
        JsonNode found = orthanc.post("/tools/lookup", DicomExporter.instanceUid(s));
        return found.get(0).path("ID").asText();
    }

    private static String value(JsonNode dicomJson, String tag) {
        return dicomJson.path(tag).path("Value").path(0).asText();
    }

    /** The one fragment of the encapsulated pixel data (after the empty offset table) of a Part 10 file. */
    private static byte[] jpegFragment(byte[] file) {
        byte[] pixelData = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B'};
        int at = -1;
        for (int i = file.length - pixelData.length; i >= 0 && at < 0; i--) {
            if (Arrays.equals(file, i, i + pixelData.length, pixelData, 0, pixelData.length)) {
                at = i;
            }
        }
        assertTrue(at > 0, "no pixel data element");
        int offsetTable = at + 12;
        int fragment = offsetTable + 8 + littleEndian(file, offsetTable + 4);
        int length = littleEndian(file, fragment + 4);
        return Arrays.copyOfRange(file, fragment + 8, fragment + 8 + length);
    }

    private static int littleEndian(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /** Mean absolute difference per channel value between a JPEG and the stored PNG frame. */
    private static double meanDifference(byte[] jpeg, byte[] png) {
        Mat a = Imgcodecs.imdecode(new MatOfByte(jpeg), Imgcodecs.IMREAD_COLOR);
        Mat b = Imgcodecs.imdecode(new MatOfByte(png), Imgcodecs.IMREAD_COLOR);
        try {
            assertEquals(b.size(), a.size());
            Mat diff = new Mat();
            Core.absdiff(a, b, diff);
            double[] mean = Core.mean(diff).val;
            diff.release();
            return (mean[0] + mean[1] + mean[2]) / 3;
        } finally {
            a.release();
            b.release();
        }
    }
}
