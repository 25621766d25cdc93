package org.melanoscreen.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;

/** A TLS context that trusts only the CAs of one file: PEM certificates (.pem, .crt), or a PKCS12/JKS trust store. */
public final class TrustStores {
    private TrustStores() {
    }

    /**
     * @param setting  the configuration key that named the file, for the error message
     * @param password the trust store's password; {@code null} for PEM files and stores without one
     * @throws IllegalArgumentException naming the key, the file and why it cannot be used (never the password)
     */
    public static SSLContext context(String setting, Path file, String password) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(file, password));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be used as a trust store (PEM "
                    + "certificates, PKCS12 or JKS): " + e.getMessage(), e);
        }
    }

    /** Whether the file holds PEM certificates, which need no password. */
    public static boolean isPem(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".pem") || name.endsWith(".crt");
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        if (isPem(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(file)) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                if (i == 0) {
                    throw new GeneralSecurityException("no certificate in it");
                }
            }
            return store;
        }
        return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
    }
}
