package dev.racetrack.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority made in the test (BouncyCastle), and server certificates it issues
 * for {@code localhost} and {@code 127.0.0.1}, written as PEM files: {@code ca.pem}, {@code
 * server.pem} (certificate) and {@code server-key.pem} (PKCS#8 key) in a directory.
 */
public final class TlsFixture {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final KeyPair caKeys;
  private final X509Certificate caCert;
  private final Path dir;

  private TlsFixture(Path dir, String name) {
    this.dir = dir;
    this.caKeys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    try {
      this.caCert =
          sign(
              new JcaX509v3CertificateBuilder(
                      subject, serial(), notBefore(), notAfter(), subject, caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)),
              caKeys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new CA, with its certificate in {@code dir/ca.pem} and a first server pair issued. */
  public static TlsFixture create(Path dir) {
    return create(dir, "Racetrack Test CA");
  }

  public static TlsFixture create(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TlsFixture fixture = new TlsFixture(dir, caName);
    fixture.writePem(fixture.caFile(), fixture.caCert);
    fixture.issueServer("localhost");
    return fixture;
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  public Path certFile() {
    return dir.resolve("server.pem");
  }

  public Path keyFile() {
    return dir.resolve("server-key.pem");
  }

  /**
   * Issues a new server certificate with common name {@code cn} (SANs localhost and 127.0.0.1) and
   * overwrites the server files with it; returns it.
   */
  public X509Certificate issueServer(String cn) {
    KeyPair keys = keyPair();
    try {
      X509Certificate cert =
          sign(
              new JcaX509v3CertificateBuilder(
                      caCert,
                      serial(),
                      notBefore(),
                      notAfter(),
                      new X500Name("CN=" + cn),
                      keys.getPublic())
                  .addExtension(
                      Extension.subjectAlternativeName,
                      false,
                      new GeneralNames(
                          new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                          })),
              caKeys);
      writePem(certFile(), cert);
      writePem(keyFile(), new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      return cert;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An SSL context trusting this CA only. */
  public SSLContext clientContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP/1.1 client trusting this CA only. */
  public HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(clientContext())
        .build();
  }

  private void writePem(Path file, Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) {
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256, new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }
}
