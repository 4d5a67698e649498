package dev.racetrack.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A server's private key and its certificate chain, checked to belong together. */
public record ServerKey(PrivateKey key, List<X509Certificate> chain) {
  /** The in-memory key store's password; the store never leaves the process. */
  public static final String STORE_PASSWORD = "racetrack";

  public ServerKey {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new TlsException("a certificate chain is needed");
    }
  }

  /** Reads and checks the certificate and key files. */
  public static ServerKey load(TlsConfig.ServerFiles files) {
    List<X509Certificate> chain = PemFiles.certificates(files.certFile());
    PrivateKey key = PemFiles.privateKey(files.keyFile());
    if (!matches(key, chain.getFirst())) {
      throw new TlsException(
          files.keyFile() + " does not hold the key of the certificate in " + files.certFile());
    }
    return new ServerKey(key, chain);
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> "";
        };
    if (algorithm.isEmpty()) {
      return key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm());
    }
    try {
      byte[] probe = "racetrack".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A key store holding this key under the alias {@code server}. */
  public KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "server", key, STORE_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException("cannot build a key store: " + e.getMessage(), e);
    }
  }
}
