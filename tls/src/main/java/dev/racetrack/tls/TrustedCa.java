package dev.racetrack.tls;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Clients that trust the certificates of a CA file (PEM) besides the JDK's default authorities (so
 * a client that also reaches public HTTPS services keeps working).
 */
public final class TrustedCa {
  private TrustedCa() {}

  /** An SSL context trusting the certificates in {@code caFile} and the JDK's authorities. */
  public static SSLContext sslContext(Path caFile) {
    List<X509Certificate> certs = PemFiles.certificates(caFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("ca-" + i, certs.get(i));
      }
      TrustManagerFactory defaults =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      int n = 0;
      for (TrustManager manager : defaults.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate issuer : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, issuer);
          }
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(
          "cannot trust the certificates of " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** {@code builder}, trusting {@code caFile} when given. */
  public static HttpClient.Builder trusting(HttpClient.Builder builder, Optional<Path> caFile) {
    caFile.ifPresent(f -> builder.sslContext(sslContext(f)));
    return builder;
  }
}
