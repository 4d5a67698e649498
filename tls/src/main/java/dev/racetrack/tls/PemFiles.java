package dev.racetrack.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM files: certificates through the JDK's X.509 {@code CertificateFactory}, private keys
 * through BouncyCastle's {@code PEMParser} and {@code JcaPEMKeyConverter}, so PKCS#8 ({@code BEGIN
 * PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE
 * KEY}) keys are all read by the library; encrypted keys are refused with a clear message.
 */
public final class PemFiles {

  private PemFiles() {}

  /** The certificates of a PEM file, in order; fails naming the file when there is none. */
  public static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file);
    try {
      List<X509Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certs.isEmpty()) {
        throw new TlsException(file + " holds no PEM certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw new TlsException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /**
   * The first private key of a PEM file (PKCS#8, PKCS#1 RSA or SEC1 EC; other blocks such as {@code
   * EC PARAMETERS} or certificates are passed over); fails naming the file.
   */
  public static PrivateKey privateKey(Path file) {
    try (Reader text = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(text)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object block = pem.readObject(); block != null; block = pem.readObject()) {
        switch (block) {
          case PrivateKeyInfo info -> {
            return converter.getPrivateKey(info);
          }
          case PEMKeyPair pair -> {
            return converter.getPrivateKey(pair.getPrivateKeyInfo());
          }
          case PEMEncryptedKeyPair pair -> throw encrypted(file);
          case PKCS8EncryptedPrivateKeyInfo info -> throw encrypted(file);
          default -> {
            // not a key: look further
          }
        }
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // PEMParser reports bad base64 or DER as IOException or DecoderException (unchecked)
      throw new TlsException(
          file + " does not hold a readable PEM private key: " + e.getMessage(), e);
    }
    throw new TlsException(file + " holds no PEM private key");
  }

  private static TlsException encrypted(Path file) {
    return new TlsException(
        file
            + " holds an encrypted private key: give it unencrypted (for example: openssl pkey -in"
            + " KEY -out KEY.plain)");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TlsException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
