package dev.racetrack.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {
  @TempDir Path dir;

  @Test
  void fromEnv_withoutVariables_isOff() {
    TlsConfig config = TlsConfig.fromEnv(Map.of());

    assertThat(config.enabled()).isFalse();
    assertThat(config.scheme()).isEqualTo("http");
    assertThat(config.clientTrust()).isEmpty();
  }

  @Test
  void fromEnv_withKeyButNoCert_namesTheMissingVariable() throws IOException {
    Path key = Files.writeString(dir.resolve("key.pem"), "x");

    assertThatThrownBy(() -> TlsConfig.fromEnv(Map.of("TLS_KEY_FILE", key.toString())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("TLS_CERT_FILE is missing");
  }

  @Test
  void fromEnv_withAnUnreadableFile_namesTheVariableAndFile() {
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(
            () ->
                TlsConfig.fromEnv(
                    Map.of(
                        "TLS_CERT_FILE", missing.toString(), "TLS_KEY_FILE", missing.toString())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("TLS_CERT_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void fromEnv_withNotPemFiles_namesTheFile() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
    Path key = Files.writeString(dir.resolve("key.pem"), "not a key");

    assertThatThrownBy(
            () ->
                TlsConfig.fromEnv(
                    Map.of("TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", key.toString())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(cert.toString());
  }

  @Test
  void fromEnv_withHealthPortButNoTls_isRefused() {
    assertThatThrownBy(() -> TlsConfig.fromEnv(Map.of("HEALTH_PORT", "7299")))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("HEALTH_PORT");
  }

  @Test
  void privateKey_ofADamagedPkcs1Block_namesTheFile() throws IOException {
    Path key =
        Files.writeString(
            dir.resolve("rsa.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> PemFiles.privateKey(key))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(key.toString());
  }
}
