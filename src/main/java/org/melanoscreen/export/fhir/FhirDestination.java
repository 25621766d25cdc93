package org.melanoscreen.export.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.melanoscreen.export.dicom.DicomReference;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.store.StoredScreening;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;

/**
 * Sends stored screenings to the clinic's FHIR R4 server with HAPI's client: the patient by identifier (a
 * conditional create, so the server's existing patient is used and none is added twice), then the screening's
 * resources ({@link ScreeningReport}) each by an update with its derived id, the report last. A resend therefore
 * replaces the same resources; a send cut short leaves parts the report does not yet point at, which the resend
 * completes.
 */
public final class FhirDestination implements Destination {
    /** HTTP answers about the content itself: the same request can never succeed. */
    private static final Set<Integer> PERMANENT = Set.of(400, 412, 413, 422);

    private final FhirSettings settings;
    private final DicomSettings dicom;
    private final IGenericClient client;

    /**
     * @param dicom   how the PACS destination writes the image, for the ImagingStudy's UIDs and SOP class
     * @param secrets the credentials file's entries; {@link FhirSettings#PASSWORD_SECRET} or
     *                {@link FhirSettings#TOKEN_SECRET} is read as {@code fhir.auth} says
     */
    public FhirDestination(FhirSettings settings, DicomSettings dicom, Map<String, String> secrets) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("FHIR destination: fhir.url is not set");
        }
        this.settings = settings;
        this.dicom = dicom;
        FhirContext context = FhirContext.forR4();
        IRestfulClientFactory factory = context.getRestfulClientFactory();
        // check() asks for the CapabilityStatement itself; no hidden metadata request before every send
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        int timeoutMs = Math.toIntExact(settings.timeout().toMillis());
        factory.setConnectTimeout(timeoutMs);
        factory.setConnectionRequestTimeout(timeoutMs);
        factory.setSocketTimeout(timeoutMs);
        client = context.newRestfulGenericClient(settings.url().toString());
        switch (settings.auth()) {
            case BASIC -> client.registerInterceptor(new BasicAuthInterceptor(settings.username(),
                    secret(secrets, FhirSettings.PASSWORD_SECRET)));
            case BEARER -> client.registerInterceptor(new BearerTokenAuthInterceptor(
                    secret(secrets, FhirSettings.TOKEN_SECRET)));
            case NONE -> {
            }
        }
    }

    @Override
    public String name() {
        return "fhir";
    }

    @Override
    public void send(StoredScreening screening) throws DeliveryException {
        byte[] frame;
        try {
            frame = Files.readAllBytes(screening.file("frame.png"));
        } catch (IOException e) {
            throw new DeliveryException("screening " + screening.id() + ": its frame " + screening.file("frame.png")
                    + " cannot be read (" + e.getMessage() + ")", true, e);
        }
        Reference patient = screening.patientRef() == null ? null : patient(screening);
        ScreeningReport report = new ScreeningReport(screening, patient);
        DicomReference image = settings.imagingStudy() ? DicomReference.of(screening, dicom) : null;
        for (Resource r : report.resources(frame, image)) {
            String what = r.getResourceType().name() + "/" + r.getIdElement().getIdPart();
            try {
                client.update().resource(r).execute();
            } catch (RuntimeException e) {
                throw failure("screening " + screening.id() + ": " + what, e);
            }
        }
    }

    /** Proves the server answers {@code GET [base]/metadata} with these credentials; sends no patient data. */
    @Override
    public void check() throws DeliveryException {
        describeServer();
    }

    /** The server's CapabilityStatement in a line, for {@code selftest}. */
    public String describeServer() throws DeliveryException {
        CapabilityStatement cs;
        try {
            cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        } catch (RuntimeException e) {
            throw failure("metadata", e);
        }
        String version = cs.getFhirVersion() == null ? "unknown" : cs.getFhirVersion().toCode();
        if (!version.startsWith("4.0")) {
            throw new DeliveryException("FHIR server " + settings.url() + " speaks FHIR " + version
                    + ", this device sends R4 (4.0)", true);
        }
        return "FHIR " + version + " server " + settings.url() + (cs.getSoftware().hasName()
                ? " (" + cs.getSoftware().getName() + " " + cs.getSoftware().getVersion() + ")" : "");
    }

    /** The server's id of the screening's patient: the one with this identifier, created only if none exists. */
    private Reference patient(StoredScreening s) throws DeliveryException {
        String system = settings.patientIdentifierSystem();
        Patient p = ScreeningReport.patient(system, s.patientRef());
        MethodOutcome outcome;
        try {
            outcome = client.create().resource(p).conditional()
                    .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(system, s.patientRef())).execute();
        } catch (RuntimeException e) {
            throw failure("screening " + s.id() + ": Patient?identifier", e);
        }
        IIdType id = outcome.getId();
        if (id == null || !id.hasIdPart()) {
            throw new DeliveryException("FHIR server " + settings.url() + " did not say which Patient has the "
                    + "identifier of screening " + s.id() + " (no Location in its answer to the conditional create)",
                    false);
        }
        return new Reference("Patient/" + id.getIdPart());
    }

    private DeliveryException failure(String what, RuntimeException e) {
        // before the server's answers: HAPI makes a connection failure a kind of server answer (HTTP 500)
        if (e instanceof FhirClientConnectionException) {
            return new DeliveryException("FHIR server " + settings.url() + " cannot be reached for " + what + " ("
                    + rootCause(e) + ")", false, e);
        }
        if (e instanceof BaseServerResponseException answer) {
            int status = answer.getStatusCode();
            String hint = status == 401 || status == 403 ? " (check fhir.auth, fhir.username and the credentials "
                    + "file's " + FhirSettings.PASSWORD_SECRET + " / " + FhirSettings.TOKEN_SECRET + ")" : "";
            return new DeliveryException("FHIR server " + settings.url() + " refused " + what + ": "
                    + answer.getMessage() + hint, PERMANENT.contains(status), e);
        }
        return new DeliveryException("FHIR server " + settings.url() + ": " + what + " failed (" + rootCause(e) + ")",
                false, e);
    }

    private static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getClass().getSimpleName() + ": "
                + c.getMessage();
    }

    private static String secret(Map<String, String> secrets, String key) {
        String value = secrets.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("FHIR destination: " + key + " is missing from the credentials file");
        }
        return value;
    }
}
