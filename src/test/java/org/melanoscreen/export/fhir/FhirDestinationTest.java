package org.melanoscreen.export.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.export.dicom.DicomReference;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.store.StoredScreening;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FhirDestinationTest {
    private static final String SYSTEM = "urn:oid:1.2.3.4.5";
    private static final Instant T0 = Instant.parse("2026-03-04T10:15:30.123Z");
    private static final DicomSettings DICOM = DicomSettings.parse(Map.of("dicom.image_class", "vl-photographic"));
    private static FhirContext context;
    private static FhirTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        context = FhirContext.forR4();
        server = FhirTestServer.basic(context, "device", "s3cret");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void emptyServer() {
        for (FhirTestServer.Store<?> s : List.of(server.patients, server.devices, server.media, server.observations,
                server.reports, server.studies)) {
            s.stored.clear();
            s.refusal = null;
        }
    }

    @Test
    void aScreeningArrivesAsAPreliminaryReportWhosePartsResolveAndAResendAddsNothing() throws Exception {
        StoredScreening s = screening(42, "PAT-0042", "L3", "REFER", 0.734,
                "{\"referral_threshold\": 0.3, \"reasons\": []}");
        FhirDestination fhir = destination(Map.of("fhir.imaging_study", "true"), "s3cret");
        fhir.send(s);

        assertEquals(1, server.reports.stored.size());
        DiagnosticReport report = server.reports.stored.values().iterator().next();
        assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, report.getStatus());
        assertEquals("dev-1/42", report.getIdentifierFirstRep().getValue());
        assertEquals("REFER: melanoma probability 0.734, at or above the referral threshold 0.300. Screening aid, "
                + "not a diagnosis.", report.getConclusion());
        assertEquals("risk-refer", report.getConclusionCodeFirstRep().getCodingFirstRep().getCode());
        Patient patient = server.patients.get(report.getSubject().getReference());
        assertEquals(SYSTEM, patient.getIdentifierFirstRep().getSystem());
        assertEquals("PAT-0042", patient.getIdentifierFirstRep().getValue());

        assertEquals(2, report.getResult().size());
        Observation score = server.observations.get(report.getResult().get(0).getReference());
        assertEquals(Observation.ObservationStatus.PRELIMINARY, score.getStatus());
        assertEquals(0, new BigDecimal("0.734").compareTo(score.getValueQuantity().getValue()));
        assertEquals(0, new BigDecimal("0.3").compareTo(score.getReferenceRangeFirstRep().getHigh().getValue()));
        assertEquals("H", score.getInterpretationFirstRep().getCodingFirstRep().getCode());
        assertEquals(report.getSubject().getReference(), score.getSubject().getReference());
        assertEquals("L3", score.getBodySite().getText());
        Observation risk = server.observations.get(report.getResult().get(1).getReference());
        assertEquals("risk-refer", risk.getValueCodeableConcept().getCodingFirstRep().getCode());

        Media media = server.media.get(report.getMediaFirstRep().getLink().getReference());
        assertArrayEquals(Files.readAllBytes(s.file("frame.png")), media.getContent().getData(),
                "the frame's bytes arrive unchanged");
        assertEquals("image/png", media.getContent().getContentType());
        assertEquals(32, media.getWidth());
        assertEquals(24, media.getHeight());
        assertEquals(score.getDerivedFromFirstRep().getReference(), report.getMediaFirstRep().getLink().getReference());

        Device device = server.devices.get(score.getDevice().getReference());
        assertEquals("dev-1", device.getSerialNumber());
        assertEquals("0.1.0-test", device.getVersionFirstRep().getValue());
        assertEquals("seg-v1 sha256:" + "ab".repeat(32), device.getVersion().get(1).getValue());

        ImagingStudy study = server.studies.get(report.getImagingStudyFirstRep().getReference());
        DicomReference dicom = DicomReference.of(s, DICOM);
        assertEquals("urn:oid:" + dicom.studyUid(), study.getIdentifierFirstRep().getValue());
        assertEquals(dicom.seriesUid(), study.getSeriesFirstRep().getUid());
        assertEquals(dicom.instanceUid(), study.getSeriesFirstRep().getInstanceFirstRep().getUid());
        assertEquals("urn:oid:1.2.840.10008.5.1.4.1.1.77.1.4",
                study.getSeriesFirstRep().getInstanceFirstRep().getSopClass().getCode());
        assertEquals("XC", study.getSeriesFirstRep().getModality().getCode());

        fhir.send(s);
        assertEquals(List.of(1, 1, 1, 2, 1, 1), counts(), "patients, devices, media, observations, reports, "
                + "studies after the resend");

        fhir.send(screening(43, "PAT-0042", null, "LOW", 0.05, "{\"referral_threshold\": 0.3}"));
        assertEquals(List.of(1, 1, 2, 4, 2, 2), counts(), "a second screening of the same patient: one patient");
        DiagnosticReport second = server.reports.get("DiagnosticReport/"
                + ScreeningReport.id("dev-1", "43", T0.plusSeconds(43).toString(), "report"));
        assertEquals(report.getSubject().getReference(), second.getSubject().getReference());
        assertEquals("N", server.observations.get(second.getResultFirstRep().getReference())
                .getInterpretationFirstRep().getCodingFirstRep().getCode());
    }

    @Test
    void aRetakeWithoutPatientOrProbabilitySaysWhyAndBelongsToNoPatient() throws Exception {
        StoredScreening s = screening(7, null, null, "RETAKE", null,
                "{\"referral_threshold\": 0.3, \"reasons\": [\"lesion at the image border\"]}");
        destination(Map.of("fhir.imaging_study", "true"), "s3cret").send(s);

        assertEquals(0, server.patients.stored.size());
        DiagnosticReport report = server.reports.stored.values().iterator().next();
        assertFalse(report.hasSubject());
        assertEquals("RETAKE: no melanoma probability (lesion at the image border). Screening aid, not a diagnosis.",
                report.getConclusion());
        Observation score = server.observations.get(report.getResult().get(0).getReference());
        assertFalse(score.hasValue());
        assertEquals("not-performed", score.getDataAbsentReason().getCodingFirstRep().getCode());
        Observation risk = server.observations.get(report.getResult().get(1).getReference());
        assertEquals("Reasons: lesion at the image border", risk.getNoteFirstRep().getText());
        ImagingStudy study = server.studies.get(report.getImagingStudyFirstRep().getReference());
        assertTrue(study.getSubject().getReference().startsWith("Device/"), study.getSubject().getReference());
    }

    @Test
    void withoutImagingStudyTheReportPointsOnlyAtTheMedia() throws Exception {
        destination(Map.of(), "s3cret").send(screening(1, "PAT-1", null, "LOW", 0.1, "{}"));
        assertEquals(0, server.studies.stored.size());
        DiagnosticReport report = server.reports.stored.values().iterator().next();
        assertFalse(report.hasImagingStudy());
        assertTrue(server.media.stored.values().iterator().next().getIdentifier().isEmpty());
        assertEquals("LOW: melanoma probability 0.100. Screening aid, not a diagnosis.", report.getConclusion());
    }

    @Test
    void wrongCredentialsAreNamedWithTheServersAnswerAndRetried() throws Exception {
        FhirDestination fhir = destination(Map.of(), "wrong");
        DeliveryException send = assertThrows(DeliveryException.class,
                () -> fhir.send(screening(1, "PAT-1", null, "LOW", 0.1, "{}")));
        assertTrue(send.getMessage().startsWith("FHIR server " + server.baseUrl() + " refused screening 1: "
                + "Patient?identifier: HTTP 401"), send.getMessage());
        assertTrue(send.getMessage().contains("wrong credentials for the test FHIR server"), send.getMessage());
        assertTrue(send.getMessage().endsWith("(check fhir.auth, fhir.username and the credentials file's "
                + "fhir.password / fhir.token)"), send.getMessage());
        assertFalse(send.permanent(), "fixing the credentials makes the same screening go through");
        DeliveryException check = assertThrows(DeliveryException.class, fhir::check);
        assertTrue(check.getMessage().contains("refused metadata: HTTP 401"), check.getMessage());
        assertEquals(0, server.patients.stored.size() + server.reports.stored.size());

        assertTrue(destination(Map.of(), "s3cret").describeServer().startsWith("FHIR 4.0.1 server "
                + server.baseUrl()));
    }

    @Test
    void aBearerTokenIsSent() throws Exception {
        try (FhirTestServer bearer = FhirTestServer.bearer(context, "t0ken")) {
            Map<String, String> settings = Map.of("fhir.url", bearer.baseUrl(), "fhir.patient_identifier_system",
                    SYSTEM, "fhir.auth", "bearer");
            new FhirDestination(FhirSettings.parse(settings), DICOM, Map.of("fhir.token", "t0ken"))
                    .send(screening(1, "PAT-1", null, "LOW", 0.1, "{}"));
            assertEquals(1, bearer.reports.stored.size());
            DeliveryException e = assertThrows(DeliveryException.class, () -> new FhirDestination(
                    FhirSettings.parse(settings), DICOM, Map.of("fhir.token", "other")).check());
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        }
    }

    @Test
    void contentTheServerRefusesIsPermanentAndNamesItsReason() throws Exception {
        server.media.refusal = "attachment too large for this server";
        DeliveryException e = assertThrows(DeliveryException.class,
                () -> destination(Map.of(), "s3cret").send(screening(5, "PAT-1", null, "LOW", 0.1, "{}")));
        assertTrue(e.permanent());
        assertTrue(e.getMessage().startsWith("FHIR server " + server.baseUrl() + " refused screening 5: Media/"),
                e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 422"), e.getMessage());
        assertTrue(e.getMessage().contains("attachment too large for this server"), e.getMessage());
        assertEquals(0, server.reports.stored.size(), "no report points at parts that are missing");
    }

    @Test
    void aServerThatIsDownIsARetryableFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        FhirDestination fhir = new FhirDestination(FhirSettings.parse(Map.of("fhir.url", "http://127.0.0.1:" + port
                + "/fhir", "fhir.patient_identifier_system", SYSTEM, "fhir.timeout_s", "2")), DICOM, Map.of());
        DeliveryException e = assertThrows(DeliveryException.class,
                () -> fhir.send(screening(1, null, null, "LOW", 0.1, "{}")));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().startsWith("FHIR server http://127.0.0.1:" + port + "/fhir cannot be reached for "
                + "screening 1: Device/"), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertFalse(assertThrows(DeliveryException.class, fhir::check).permanent());
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAsARetryableFailure() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            FhirDestination fhir = new FhirDestination(FhirSettings.parse(Map.of("fhir.url", "http://127.0.0.1:"
                    + silent.getLocalPort() + "/fhir", "fhir.patient_identifier_system", SYSTEM, "fhir.timeout_s",
                    "1")), DICOM, Map.of());
            DeliveryException e = assertThrows(DeliveryException.class, fhir::check);
            assertFalse(e.permanent());
            assertTrue(e.getMessage().contains("SocketTimeoutException"), e.getMessage());
        }
    }

    @Test
    void aMissingFrameIsPermanentAndNothingIsSent() throws Exception {
        StoredScreening s = screening(1, "PAT-1", null, "LOW", 0.1, "{}");
        Files.delete(s.file("frame.png"));
        int before = server.requests.get();
        DeliveryException e = assertThrows(DeliveryException.class, () -> destination(Map.of(), "s3cret").send(s));
        assertTrue(e.permanent());
        assertTrue(e.getMessage().startsWith("screening 1: its frame "), e.getMessage());
        assertEquals(before, server.requests.get());
    }

    @Test
    void settingsAreOffByDefaultAndBadValuesAreNamed() {
        assertFalse(FhirSettings.parse(Map.of()).enabled());
        assertEquals("fhir.patient_identifier_system = '' must be an absolute URI",
                message(Map.of("fhir.url", "https://ehr.example.org/fhir")).substring(0, 59));
        assertEquals("fhir.url = 'ftp://x/fhir' must be empty or an http(s) base URL without user, query or "
                + "fragment, e.g. https://ehr.example.org/fhir", message(Map.of("fhir.url", "ftp://x/fhir")));
        assertEquals("fhir.auth = 'token' must be none, basic or bearer", message(Map.of("fhir.auth", "token")));
        assertEquals("fhir.username = '' must be set, without a colon, for fhir.auth = basic",
                message(Map.of("fhir.auth", "basic")));
        assertEquals("fhir.timeout_s = '0' is out of range: it must be from 1 to 600",
                message(Map.of("fhir.timeout_s", "0")));
        assertEquals("fhir.imaging_study = 'yes' must be true or false", message(Map.of("fhir.imaging_study", "yes")));
        FhirSettings ok = FhirSettings.parse(Map.of("fhir.url", "https://ehr.example.org/fhir/",
                "fhir.patient_identifier_system", SYSTEM));
        assertEquals("https://ehr.example.org/fhir", ok.url().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FhirDestination(
                FhirSettings.parse(Map.of("fhir.url", "https://ehr.example.org/fhir", "fhir.patient_identifier_system",
                        SYSTEM, "fhir.auth", "basic", "fhir.username", "u")), DICOM, Map.of()));
        assertEquals("FHIR destination: fhir.password is missing from the credentials file", e.getMessage());
    }

    @Test
    void idsAreStablePerScreeningAndDifferBetweenScreenings() throws Exception {
        StoredScreening a = screening(1, "PAT-1", null, "LOW", 0.1, "{}");
        List<String> first = ids(a);
        assertEquals(first, ids(a));
        assertNotEquals(first.get(first.size() - 1), ids(screening(2, "PAT-1", null, "LOW", 0.1, "{}"))
                .get(first.size() - 1));
        assertEquals(ScreeningReport.id("dev-1", "device"), first.get(0).substring("Device/".length()));
        for (String id : first) {
            assertTrue(id.matches("[A-Za-z]+/[A-Za-z0-9\\-.]{1,64}"), id);
        }
        assertNull(ScreeningReport.device(a).getIdElement().getVersionIdPart());
    }

    private List<String> ids(StoredScreening s) throws IOException {
        return new ScreeningReport(s, new Reference("Patient/p1"))
                .resources(Files.readAllBytes(s.file("frame.png")), DicomReference.of(s, DICOM)).stream()
                .map(r -> r.getResourceType().name() + "/" + r.getIdElement().getIdPart()).toList();
    }

    private static String message(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> FhirSettings.parse(values)).getMessage();
    }

    private static List<Integer> counts() {
        return List.of(server.patients.stored.size(), server.devices.stored.size(), server.media.stored.size(),
                server.observations.stored.size(), server.reports.stored.size(), server.studies.stored.size());
    }

    private FhirDestination destination(Map<String, String> extra, String password) {
        Map<String, String> values = new HashMap<>(Map.of("fhir.url", server.baseUrl(),
                "fhir.patient_identifier_system", SYSTEM, "fhir.auth", "basic", "fhir.username", "device"));
        values.putAll(extra);
        return new FhirDestination(FhirSettings.parse(values), DICOM, Map.of("fhir.password", password));
    }

    private StoredScreening screening(long id, String patient, String lesion, String risk, Double p, String json)
            throws IOException {
        Path folder = Files.createDirectories(dir.resolve("s" + id));
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0x8a5a3c + (int) id);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        Files.write(folder.resolve("frame.png"), png.toByteArray());
        return new StoredScreening(id, T0.plusSeconds(id), "dev-1", patient, lesion, risk, p, json,
                Map.of("seg-v1", "ab".repeat(32)), "0.1.0-test", folder, List.of());
    }
}
