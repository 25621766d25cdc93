package org.melanoscreen.export.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.melanoscreen.export.dicom.DicomReference;
import org.melanoscreen.store.StoredScreening;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The FHIR R4 resources of one stored screening: a preliminary DiagnosticReport (a screening aid, not a diagnosis)
 * with an Observation of the melanoma probability and one of the risk, the frame as Media, the device, and where
 * asked an ImagingStudy naming the DICOM instance. Every id is derived from the screening, so sending it again
 * replaces the same resources instead of adding copies.
 */
final class ScreeningReport {
    /** The device's own codes: no standard terminology has one for an AI screening result. */
    static final String CODES = "urn:melanoscreen:codes";
    /** Identifies a report by the device that made it and its screening id there ("dev-1/42"). */
    static final String SCREENING_SYSTEM = "urn:melanoscreen:screening";
    static final String DEVICE_SYSTEM = "urn:melanoscreen:device";
    private static final String DICOM_UID = "urn:dicom:uid";
    private static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final StoredScreening s;
    private final Reference subject;
    private final Reference device;
    private final JsonNode result;

    /** @param patient the patient the server knows the screening's patient reference by; {@code null}: none */
    ScreeningReport(StoredScreening s, Reference patient) {
        this.s = s;
        this.subject = patient;
        this.device = reference(device(s));
        this.result = parse(s.resultJson());
    }

    /** The patient, known only by the reference entered at the device, for a conditional create. */
    static Patient patient(String system, String patientRef) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(system).setValue(patientRef);
        return p;
    }

    /**
     * The resources in the order they must be sent: each after every resource it refers to, the report last, so a
     * report never reaches the server before its parts.
     *
     * @param frame the PNG the result was computed on
     * @param dicom the DICOM image to point at; {@code null}: none
     */
    List<Resource> resources(byte[] frame, DicomReference dicom) {
        List<Resource> all = new ArrayList<>();
        all.add(device(s));
        Media media = media(frame, dicom);
        all.add(media);
        ImagingStudy study = dicom == null ? null : imagingStudy(dicom);
        if (study != null) {
            all.add(study);
        }
        Observation probability = probability(media);
        Observation risk = risk();
        all.add(probability);
        all.add(risk);
        all.add(report(media, study, probability, risk));
        return all;
    }

    static Device device(StoredScreening s) {
        Device d = new Device();
        d.setId(new IdType("Device", id(s.deviceId(), "device")));
        d.addIdentifier().setSystem(DEVICE_SYSTEM).setValue(s.deviceId());
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        d.setManufacturer("melanoscreen");
        d.setSerialNumber(s.deviceId());
        d.addDeviceName().setName(s.deviceId()).setType(Device.DeviceNameType.USERFRIENDLYNAME);
        d.setType(new CodeableConcept().setText("Dermoscopic melanoma risk screening aid"));
        d.addVersion().setType(new CodeableConcept().setText("software")).setValue(s.softwareVersion());
        for (Map.Entry<String, String> m : new TreeMap<>(s.models()).entrySet()) {
            d.addVersion().setType(new CodeableConcept().setText("model"))
                    .setValue(m.getKey() + " sha256:" + m.getValue());
        }
        return d;
    }

    private Media media(byte[] png, DicomReference dicom) {
        Media m = new Media();
        m.setId(new IdType("Media", id("media")));
        if (dicom != null) {
            m.addIdentifier().setSystem(DICOM_UID).setValue("urn:oid:" + dicom.instanceUid());
        }
        m.setStatus(Media.MediaStatus.COMPLETED);
        m.setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/media-type", "image",
                "Image")));
        m.setModality(new CodeableConcept().setText("Dermoscopy"));
        m.setSubject(subject);
        m.setCreated(new DateTimeType(Date.from(s.time())));
        m.setIssued(Date.from(s.time()));
        m.setDevice(device);
        m.setBodySite(bodySite());
        ByteBuffer header = ByteBuffer.wrap(png);
        if (png.length >= 24) {
            // a PNG's IHDR: width and height, big-endian, at bytes 16 and 20
            m.setWidth(header.getInt(16));
            m.setHeight(header.getInt(20));
        }
        m.setContent(new Attachment().setContentType("image/png").setData(png).setSize(png.length)
                .setTitle("frame.png").setCreationElement(new DateTimeType(Date.from(s.time()))));
        return m;
    }

    private ImagingStudy imagingStudy(DicomReference dicom) {
        ImagingStudy st = new ImagingStudy();
        st.setId(new IdType("ImagingStudy", id("imaging study")));
        st.addIdentifier().setSystem(DICOM_UID).setValue("urn:oid:" + dicom.studyUid());
        st.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        // subject is required: a screening without a patient reference belongs to the device that made it
        st.setSubject(subject != null ? subject : device);
        st.setStarted(Date.from(s.time()));
        Coding modality = new Coding("http://dicom.nema.org/resources/ontology/DCM", dicom.modality(), null);
        st.addModality(modality);
        st.setNumberOfSeries(1);
        st.setNumberOfInstances(1);
        ImagingStudy.ImagingStudySeriesComponent series = st.addSeries().setUid(dicom.seriesUid()).setNumber(1)
                .setModality(modality).setNumberOfInstances(1);
        series.addInstance().setUid(dicom.instanceUid()).setNumber(1)
                .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + dicom.sopClassUid(), null));
        return st;
    }

    private Observation probability(Media media) {
        Observation o = observation("melanoma probability", "melanoma-probability",
                "Melanoma probability (screening aid, not a diagnosis)");
        o.addDerivedFrom(reference(media));
        Double threshold = threshold();
        if (s.melanomaProbability() == null) {
            o.setDataAbsentReason(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed", "Not Performed"))
                    .setText("no probability: the result is " + s.risk()));
            return o;
        }
        o.setValue(probabilityQuantity(s.melanomaProbability()));
        if (threshold != null) {
            o.addReferenceRange().setHigh(probabilityQuantity(threshold))
                    .setText("REFER at or above the referral threshold " + format(threshold));
            boolean refer = s.melanomaProbability() >= threshold;
            o.addInterpretation(new CodeableConcept(new Coding(INTERPRETATION, refer ? "H" : "N",
                    refer ? "High" : "Normal")).setText(refer ? "at or above the referral threshold"
                    : "below the referral threshold"));
        }
        return o;
    }

    private Observation risk() {
        Observation o = observation("risk", "melanoma-risk", "Melanoma risk category (screening aid, not a "
                + "diagnosis)");
        o.setValue(riskConcept());
        List<String> reasons = reasons();
        if (!reasons.isEmpty()) {
            o.addNote().setText("Reasons: " + String.join("; ", reasons));
        }
        return o;
    }

    private DiagnosticReport report(Media media, ImagingStudy study, Observation probability, Observation risk) {
        DiagnosticReport r = new DiagnosticReport();
        r.setId(new IdType("DiagnosticReport", id("report")));
        r.addIdentifier().setSystem(SCREENING_SYSTEM).setValue(s.deviceId() + "/" + s.id());
        r.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
        r.setCode(concept("melanoma-risk-screening", "Dermoscopic melanoma risk screening (screening aid, not a "
                + "diagnosis)"));
        r.setSubject(subject);
        r.setEffective(new DateTimeType(Date.from(s.time())));
        r.setIssued(Date.from(s.time()));
        r.addResult(reference(probability));
        r.addResult(reference(risk));
        r.addMedia().setLink(reference(media)).setComment("the dermoscopic frame the result was computed on");
        if (study != null) {
            r.addImagingStudy(reference(study));
        }
        r.setConclusion(conclusion());
        r.addConclusionCode(riskConcept());
        return r;
    }

    /** What a clinician reads first. */
    String conclusion() {
        Double threshold = threshold();
        String p = s.melanomaProbability() == null ? "no melanoma probability"
                : "melanoma probability " + format(s.melanomaProbability())
                + (threshold == null ? "" : (s.melanomaProbability() >= threshold ? ", at or above" : ", below")
                + " the referral threshold " + format(threshold));
        List<String> reasons = reasons();
        return s.risk() + ": " + p + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")")
                + ". Screening aid, not a diagnosis.";
    }

    private Observation observation(String purpose, String code, String display) {
        Observation o = new Observation();
        o.setId(new IdType("Observation", id(purpose)));
        o.setStatus(Observation.ObservationStatus.PRELIMINARY);
        o.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category",
                "imaging", "Imaging")));
        o.setCode(concept(code, display));
        o.setSubject(subject);
        o.setEffective(new DateTimeType(Date.from(s.time())));
        o.setIssued(Date.from(s.time()));
        o.setDevice(device);
        o.setBodySite(bodySite());
        o.setMethod(new CodeableConcept().setText("software " + s.softwareVersion() + ", models "
                + String.join(", ", new TreeSet<>(s.models().keySet()))));
        return o;
    }

    private CodeableConcept riskConcept() {
        String display = switch (s.risk()) {
            case "REFER" -> "Refer: melanoma probability at or above the referral threshold";
            case "LOW" -> "Low: below the referral threshold, lesion and image checks passed";
            case "RETAKE" -> "Retake: no result, the image must be taken again";
            default -> s.risk();
        };
        return concept("risk-" + s.risk().toLowerCase(Locale.ROOT), display);
    }

    private CodeableConcept bodySite() {
        return s.lesionRef() == null ? null : new CodeableConcept().setText(s.lesionRef());
    }

    private static CodeableConcept concept(String code, String display) {
        return new CodeableConcept(new Coding(CODES, code, display)).setText(display);
    }

    private static Quantity probabilityQuantity(double p) {
        return new Quantity().setValue(BigDecimal.valueOf(p).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros())
                .setUnit("probability").setSystem("http://unitsofmeasure.org").setCode("1");
    }

    private Double threshold() {
        JsonNode t = result.get("referral_threshold");
        return t != null && t.isNumber() ? t.asDouble() : null;
    }

    private List<String> reasons() {
        List<String> reasons = new ArrayList<>();
        JsonNode r = result.get("reasons");
        if (r != null && r.isArray()) {
            r.forEach(n -> reasons.add(n.asText()));
        }
        return reasons;
    }

    private static JsonNode parse(String resultJson) {
        try {
            return MAPPER.readTree(resultJson);
        } catch (Exception e) {
            // the store keeps only JSON objects; a hand-edited row loses the threshold and reasons, not the report
            return MAPPER.createObjectNode();
        }
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private String id(String purpose) {
        return id(s.deviceId(), Long.toString(s.id()), s.time().toString(), purpose);
    }

    /** A FHIR id (at most 64 of [A-Za-z0-9.-]) derived from {@code parts}: a name-based UUID. */
    static String id(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Reference reference(Resource r) {
        return new Reference(r.getResourceType().name() + "/" + r.getIdElement().getIdPart());
    }
}
