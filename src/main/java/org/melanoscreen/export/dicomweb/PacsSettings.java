package org.melanoscreen.export.dicomweb;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the clinic's PACS is reached over DICOMweb ({@link #KEYS}, part of the service configuration; off
 * while {@code pacs.url} is empty). Its secrets are in the outbox's credentials file: {@code pacs.password}
 * (basic), {@code pacs.token} (bearer), {@code pacs.trust_store_password}.
 *
 * @param url        the DICOMweb base (STOW-RS posts to {@code url/studies}); {@code null}: no PACS
 * @param username   for basic authentication; {@code null} otherwise
 * @param trustStore PKCS12 or JKS file with the hospital's CA for HTTPS; {@code null}: the system's
 */
public record PacsSettings(URI url, Auth auth, String username, Path trustStore, Duration timeout) {
    /** How the device authenticates to the PACS. */
    public enum Auth { NONE, BASIC, BEARER }

    /** Seconds a connection or an answer may take. */
    public static final Range TIMEOUT_S = Range.closed(1, 600);

    private static final Key TIMEOUT = Key.integer("pacs.timeout_s", 30, TIMEOUT_S,
            "PACS: seconds a connection or an answer may take.");

    public static final List<Key> KEYS = List.of(
            Key.owned("pacs.url", "", "PACS: DICOMweb base URL, e.g. https://pacs.hospital/dicom-web "
                    + "(Orthanc: http://HOST:8042/dicom-web); every screening stored from then on is sent there by "
                    + "STOW-RS; empty = no PACS."),
            Key.owned("pacs.auth", "none", "PACS: none, basic (pacs.username, and pacs.password in the "
                    + "credentials file) or bearer (pacs.token in the credentials file)."),
            Key.owned("pacs.username", "", "PACS: user name for basic authentication."),
            Key.owned("pacs.trust_store", "", "PACS: the hospital's CA certificates for HTTPS, a PEM file "
                    + "(.pem, .crt) or a PKCS12/JKS trust store (password: pacs.trust_store_password in the "
                    + "credentials file); empty = the system's CAs."),
            TIMEOUT);

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static PacsSettings parse(Map<String, String> values) {
        Map<String, String> v = Key.withDefaults(KEYS, values);
        URI url = null;
        if (!v.get("pacs.url").isEmpty()) {
            try {
                url = new URI(v.get("pacs.url").replaceAll("/+$", ""));
            } catch (URISyntaxException e) {
                url = null;
            }
            if (url == null || !List.of("http", "https").contains(String.valueOf(url.getScheme()))
                    || url.getHost() == null || url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("pacs.url = '" + v.get("pacs.url") + "' must be an http:// or "
                        + "https:// URL with a host and no user name (give that in pacs.username)");
            }
        }
        Auth auth;
        try {
            auth = Auth.valueOf(v.get("pacs.auth").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pacs.auth = '" + v.get("pacs.auth") + "' must be none, basic or bearer");
        }
        String user = v.get("pacs.username");
        if (auth == Auth.BASIC && (user.isEmpty() || user.contains(":"))) {
            throw new IllegalArgumentException("pacs.username = '" + user + "' must be set, without ':', for "
                    + "pacs.auth = basic");
        }
        Path trust = v.get("pacs.trust_store").isEmpty() ? null : Path.of(v.get("pacs.trust_store"));
        int timeout = Integer.parseInt(TIMEOUT.checked(v));
        return new PacsSettings(url, auth, user.isEmpty() ? null : user, trust, Duration.ofSeconds(timeout));
    }

    /** Whether a PACS is configured. */
    public boolean enabled() {
        return url != null;
    }
}
