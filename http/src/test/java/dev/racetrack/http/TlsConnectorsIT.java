package dev.racetrack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.testsupport.TlsFixture;
import dev.racetrack.tls.TlsConfig;
import dev.racetrack.tls.TlsException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConnectorsIT {
  @TempDir Path dir;
  private TlsFixture ca;
  private ApiServer server;
  private HttpClient https;

  private static final Routes HEALTH =
      routes ->
          routes
              .get("/health", ctx -> ctx.json(Map.of("ok", true)))
              .get("/secret", ctx -> ctx.json(Map.of("secret", "data")));

  @BeforeEach
  void start() {
    ca = TlsFixture.create(dir.resolve("ca"));
    TlsConfig tls =
        TlsConfig.fromEnv(
            Map.of(
                "TLS_CERT_FILE",
                ca.certFile().toString(),
                "TLS_KEY_FILE",
                ca.keyFile().toString(),
                "HEALTH_PORT",
                "0",
                "TLS_RELOAD_SECONDS",
                "1"));
    server =
        new ApiServer(
                new ApiServer.Settings("test", "0", "127.0.0.1", 0, List.of("", "/test"), 1 << 20),
                tls,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(HEALTH))
            .start();
    https = ca.client();
  }

  @AfterEach
  void stop() {
    server.close();
    https.shutdownNow();
  }

  @Test
  void https_withTheTestCa_isServed() throws Exception {
    HttpResponse<String> response = https.send(get("https", server.port(), "/test/secret"), body());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("data");
  }

  @Test
  void https_withoutTheCa_isRefused() {
    HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    assertThatThrownBy(() -> untrusting.send(get("https", server.port(), "/secret"), body()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttp_onTheMainPort_isRefused() throws Exception {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // Jetty answers plain text on a TLS port with 400 or by closing: never with the route
    try {
      HttpResponse<String> response = plain.send(get("http", server.port(), "/secret"), body());
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).doesNotContain("data");
    } catch (IOException closed) {
      assertThat(closed).isNotNull();
    }
  }

  @Test
  void healthPort_servesHealthOnly_overPlainHttp() throws Exception {
    int healthPort = server.healthPort().orElseThrow();
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> health = plain.send(get("http", healthPort, "/test/health"), body());
    HttpResponse<String> secret = plain.send(get("http", healthPort, "/test/secret"), body());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(secret.statusCode()).isEqualTo(404);
    assertThat(secret.body()).doesNotContain("data");
  }

  @Test
  void replacedCertificate_isPickedUp_andABadOneKeepsTheOld() throws Exception {
    BigInteger before = servedSerial();
    X509Certificate renewed = ca.issueServer("renewed");

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(servedSerial()).isEqualTo(renewed.getSerialNumber()));
    assertThat(renewed.getSerialNumber()).isNotEqualTo(before);

    Files.writeString(ca.certFile(), "not a certificate");
    Files.setLastModifiedTime(
        ca.certFile(), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    // still the renewed certificate after a couple of checks
    Awaitility.await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(servedSerial()).isEqualTo(renewed.getSerialNumber()));
  }

  @Test
  void config_withCertButNoKey_namesTheMissingVariable() {
    assertThatThrownBy(() -> TlsConfig.fromEnv(Map.of("TLS_CERT_FILE", ca.certFile().toString())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("TLS_KEY_FILE");
    assertThatThrownBy(
            () ->
                TlsConfig.fromEnv(
                    Map.of(
                        "TLS_CERT_FILE", ca.certFile().toString(),
                        "TLS_KEY_FILE", ca.caFile().toString())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(ca.caFile().toString());
  }

  /** The serial of the certificate a fresh connection is served (a new client: no resumption). */
  private BigInteger servedSerial() throws Exception {
    HttpClient fresh = ca.client();
    try {
      HttpResponse<String> response = fresh.send(get("https", server.port(), "/secret"), body());
      SSLSession session = response.sslSession().orElseThrow();
      return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
    } finally {
      fresh.shutdownNow();
    }
  }

  private static HttpRequest get(String scheme, int port, String path) {
    return HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private static HttpResponse.BodyHandler<String> body() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
