package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.testsupport.TlsFixture;
import dev.racetrack.tls.TlsConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUB's HTTPS: one SslHandler in front of the whole pipeline, a plain health port, reloading. */
class PubTlsIT {
  @TempDir Path dir;
  private TlsFixture ca;
  private FakeLifecycleFixture lifecycle;
  private PubServer pub;
  private HttpClient https;

  @BeforeEach
  void start() {
    ca = TlsFixture.create(dir.resolve("ca"));
    lifecycle = FakeLifecycleFixture.start();
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
    pub =
        PubServer.start(
            new PubConfig(
                "127.0.0.1",
                0,
                lifecycle.url(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                PubFixture.INTERNAL_TOKEN,
                PubFixture.JOB_CALL_KEY,
                Set.of(),
                Optional.empty(),
                Optional.empty(),
                PubLimits.defaults(),
                tls,
                "auto"),
            Clock.systemUTC(),
            "1.0.0",
            AsyncEndpoint.NONE);
    https = ca.client();
  }

  @AfterEach
  void stop() {
    pub.close(Duration.ZERO);
    lifecycle.close();
    https.shutdownNow();
  }

  @Test
  void https_withTheTestCa_servesPub() throws Exception {
    HttpResponse<String> response = https.send(get("https", pub.port(), "/pub/health"), body());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"service\":\"pub\"");
  }

  @Test
  void https_withoutTheCa_isRefused() {
    HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    assertThatThrownBy(() -> untrusting.send(get("https", pub.port(), "/pub/live"), body()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttp_onPubsPort_isRefused() {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // the TLS handler sees no handshake and closes the connection
    assertThatThrownBy(() -> plain.send(get("http", pub.port(), "/pub/live"), body()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void healthPort_servesProbesOnly_overPlainHttp() throws Exception {
    int healthPort = pub.healthPort().orElseThrow();
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> live = plain.send(get("http", healthPort, "/pub/live"), body());
    HttpResponse<String> job =
        plain.send(get("http", healthPort, "/pub/job/adder/latest/"), body());

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(job.statusCode()).isEqualTo(404);
    assertThat(lifecycle.callCount()).isZero();
  }

  @Test
  void tokenForm_overHttps_setsASecureCookie() throws Exception {
    HttpResponse<String> response =
        https.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + pub.port() + "/pub/job/adder/_token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=abc"))
                .build(),
            body());

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().allValues("Set-Cookie"))
        .singleElement()
        .asString()
        .contains("; Secure");
  }

  @Test
  void jobCall_overHttps_forwardsHttpsAsTheScheme() throws Exception {
    try (FakeJobFixture job = FakeJobFixture.start()) {
      lifecycle.permitAll(job.internalName(), Optional.empty());

      HttpResponse<String> response =
          https.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://localhost:" + pub.port() + "/pub/job/adder/latest/api/v1/x"))
                  .header("X-Racetrack-Auth", "token")
                  .header("X-Forwarded-Proto", "http")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              body());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(job.onlyRequest().headers().get("X-Forwarded-Proto")).containsExactly("https");
    }
  }

  @Test
  void replacedCertificate_isServedToNewConnections() throws Exception {
    X509Certificate renewed = ca.issueServer("renewed");

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(servedSerial()).isEqualTo(renewed.getSerialNumber()));
  }

  private BigInteger servedSerial() throws Exception {
    HttpClient fresh = ca.client();
    try {
      HttpResponse<String> response = fresh.send(get("https", pub.port(), "/pub/live"), body());
      return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
          .getSerialNumber();
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
