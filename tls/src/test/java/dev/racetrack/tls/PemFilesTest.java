package dev.racetrack.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptor;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  @TempDir Path dir;

  @Test
  void privateKey_ofAPkcs1RsaKey_readsIt() throws Exception {
    KeyPair pair = generate("RSA", 2048);
    Path file = write("rsa.pem", pair.getPrivate(), null);
    assertThat(file).content().contains("-----BEGIN RSA PRIVATE KEY-----");

    PrivateKey key = PemFiles.privateKey(file);

    assertThat(key).isInstanceOf(RSAPrivateKey.class);
    assertThat(((RSAPrivateKey) key).getPrivateExponent())
        .isEqualTo(((RSAPrivateKey) pair.getPrivate()).getPrivateExponent());
  }

  /** As {@code openssl ecparam -genkey -name prime256v1} writes it: parameters, then the key. */
  private static final String OPENSSL_EC_KEY =
      """
      -----BEGIN EC PARAMETERS-----
      BggqhkjOPQMBBw==
      -----END EC PARAMETERS-----
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIJ9ErWUoyTItRFQnplfFXEMaDuCaR1CkP0KNrnOY4aUhoAoGCCqGSM49
      AwEHoUQDQgAEOzaGXm9OqVuGG3MPq22jrWOjRshh05HQhSktfc7kBOQIwjAc2ZwV
      zcnda/dNB69YFCLLlG+5BLRetfYd61ipaQ==
      -----END EC PRIVATE KEY-----
      """;

  @Test
  void privateKey_ofASec1EcKeyAsOpensslWritesIt_readsIt() throws Exception {
    Path file = Files.writeString(dir.resolve("ec.pem"), OPENSSL_EC_KEY);

    PrivateKey key = PemFiles.privateKey(file);

    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(((ECPrivateKey) key).getS())
        .isEqualTo(
            new BigInteger("9f44ad6528c9322d445427a657c55c431a0ee09a4750a43f428dae7398e1a521", 16));
  }

  @Test
  void privateKey_ofAnEncryptedKey_isRefusedSayingSo() throws Exception {
    KeyPair pair = generate("EC", 256);
    PEMEncryptor encryptor =
        new JcePEMEncryptorBuilder("AES-128-CBC")
            .setProvider(new BouncyCastleProvider())
            .build("key password".toCharArray());
    Path file = write("encrypted.pem", pair.getPrivate(), encryptor);

    assertThatThrownBy(() -> PemFiles.privateKey(file))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("encrypted private key");
  }

  @Test
  void privateKey_ofAFileWithoutKey_namesTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("none.pem"), "just some text\n");

    assertThatThrownBy(() -> PemFiles.privateKey(file))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(file + " holds no PEM private key");
  }

  private static KeyPair generate(String algorithm, int size) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(size);
    return generator.generateKeyPair();
  }

  private Path write(String name, PrivateKey key, PEMEncryptor encryptor) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      if (encryptor == null) {
        pem.writeObject(key);
      } else {
        pem.writeObject(key, encryptor);
      }
    }
    return Files.writeString(dir.resolve(name), text.toString());
  }
}
