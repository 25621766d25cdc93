package org.melanoscreen.fleet;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** TLS that trusts only the clinic's CAs: PEM certificates, or a PKCS12/JKS trust store. */
final class TrustStores {
    private TrustStores() {
    }

    /**
     * @param password the trust store's password; {@code null} for PEM files and stores without one
     * @throws IllegalArgumentException naming the file and why it cannot be used
     */
    static SSLSocketFactory socketFactory(Path file, String password) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(file, password));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trust store " + file + " cannot be used (" + e.getMessage() + ")", e);
        }
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt")) {
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
