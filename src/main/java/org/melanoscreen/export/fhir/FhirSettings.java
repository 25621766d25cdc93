package org.melanoscreen.export.fhir;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where and how screenings are sent as FHIR R4 resources ({@link #KEYS}, part of the service configuration,
 * documented in device/melanoscreen.conf). Off by default: an empty {@code fhir.url}. The password or token is
 * not a setting: it comes from the credentials file, readable only by the service user.
 *
 * @param url                     the server's base URL; {@code null} when sending to FHIR is off
 * @param patientIdentifierSystem the system of the patient reference typed or scanned at the device
 * @param auth                    how the device authenticates
 * @param username                the user name of basic authentication; {@code null} otherwise
 * @param timeout                 longest wait for a connection and for each answer
 * @param imagingStudy            also point the report at the DICOM instance the PACS destination sends
 */
public record FhirSettings(URI url, String patientIdentifierSystem, Auth auth, String username, Duration timeout,
                           boolean imagingStudy) {


    /** How the device proves who it is to the server. */
    public enum Auth { NONE, BASIC, BEARER }

    /** The secret each way of authenticating reads from the credentials file. */
    public static final String PASSWORD_SECRET = "fhir.password";
    public static final String TOKEN_SECRET = "fhir.token";

    /** Seconds to wait for the server. */
    public static final Range TIMEOUT_S = Range.closed(1, 600);

    private static final Key TIMEOUT = Key.number("fhir.timeout_s", 30, TIMEOUT_S,
            "FHIR: seconds to wait for a connection and for each answer.");

    public static final List<Key> KEYS = List.of(
            Key.owned("fhir.url", "", "FHIR R4 server (base URL, e.g. https://ehr.example.org/fhir) that every stored "
                    + "screening is sent to as a preliminary DiagnosticReport; empty = off."),
            Key.owned("fhir.patient_identifier_system", "", "FHIR: system URI of the patient reference entered at the "
                    + "device (the hospital's patient number, e.g. urn:oid:1.2.3.4); required when fhir.url is set."),
            Key.owned("fhir.auth", "none", "FHIR: none, basic (fhir.username, the password is " + PASSWORD_SECRET
                    + " in the credentials file) or bearer (the token is " + TOKEN_SECRET + " there)."),
            Key.owned("fhir.username", "", "FHIR: user name of basic authentication."),
            TIMEOUT,
            Key.owned("fhir.imaging_study", "false", "FHIR: also send an ImagingStudy naming the DICOM study, series "
                    + "and instance UIDs of the screening's image (true when the PACS receives the images)."));

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static FhirSettings parse(Map<String, String> values) {
        Map<String, String> v = Key.withDefaults(KEYS, values);
        Auth auth = switch (v.get("fhir.auth")) {
            case "none" -> Auth.NONE;
            case "basic" -> Auth.BASIC;
            case "bearer" -> Auth.BEARER;
            default -> throw bad("fhir.auth", v, "must be none, basic or bearer");
        };
        String username = v.get("fhir.username").isEmpty() ? null : v.get("fhir.username");
        if (auth == Auth.BASIC && (username == null || username.contains(":"))) {
            throw bad("fhir.username", v, "must be set, without a colon, for fhir.auth = basic");
        }
        double timeout = Double.parseDouble(TIMEOUT.checked(v));
        String imaging = v.get("fhir.imaging_study");
        if (!imaging.equals("true") && !imaging.equals("false")) {
            throw bad("fhir.imaging_study", v, "must be true or false");
        }
        URI url = null;
        String system = v.get("fhir.patient_identifier_system");
        if (!v.get("fhir.url").isEmpty()) {
            url = serverUrl(v);
            if (!absoluteUri(system)) {
                throw bad("fhir.patient_identifier_system", v, "must be an absolute URI (e.g. urn:oid:1.2.3.4 or "
                        + "https://hospital.example.org/patient-id) when fhir.url is set: the server finds the "
                        + "patient by it");
            }
        }
        return new FhirSettings(url, system.isEmpty() ? null : system, auth, username,
                Duration.ofMillis(Math.round(timeout * 1000)), Boolean.parseBoolean(imaging));
    }

    /** Whether screenings are sent to a FHIR server at all. */
    public boolean enabled() {
        return url != null;
    }

    private static URI serverUrl(Map<String, String> v) {
        String text = v.get("fhir.url");
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // named below
        }
        throw bad("fhir.url", v, "must be empty or an http(s) base URL without user, query or fragment, e.g. "
                + "https://ehr.example.org/fhir");
    }

    private static boolean absoluteUri(String text) {
        try {
            return !text.isEmpty() && new URI(text).isAbsolute() && !text.contains("|");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static IllegalArgumentException bad(String key, Map<String, String> v, String why) {
        return new IllegalArgumentException(key + " = '" + v.get(key) + "' " + why);
    }
}
