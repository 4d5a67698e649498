package dev.racetrack.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.testsupport.FreePort;
import dev.racetrack.testsupport.TlsFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard given a certificate serves HTTPS only: its pages over TLS (trusted with the test
 * CA), its session cookie marked Secure, and no plain HTTP on its port.
 */
class DashboardTlsIT {
  @TempDir Path dir;

  @Test
  void withACertificate_servesHttpsOnly_andItsCookiesAreSecure() throws Exception {
    TlsFixture ca = TlsFixture.create(dir.resolve("ca"));
    DashboardApp app =
        DashboardApp.start(
            DashboardConfig.fromEnv(
                Map.of(
                    "DASHBOARD_PORT",
                    "0",
                    "LIFECYCLE_URL",
                    "http://127.0.0.1:" + FreePort.find(),
                    "TLS_CERT_FILE",
                    ca.certFile().toString(),
                    "TLS_KEY_FILE",
                    ca.keyFile().toString())),
            Clock.systemUTC());
    HttpClient https = ca.client();
    try {
      HttpResponse<String> login =
          https.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + app.port() + "/dashboard/login"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("<form");
      assertThat(login.headers().allValues("Set-Cookie"))
          .isNotEmpty()
          .allSatisfy(cookie -> assertThat(cookie).contains("Secure").contains("HttpOnly"));

      HttpClient plain = HttpClient.newHttpClient();
      HttpRequest overHttp =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/dashboard/login"))
              .build();
      // the TLS port answers plain HTTP with a TLS alert or a 400, never the page
      try {
        HttpResponse<String> answer = plain.send(overHttp, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isNotEqualTo(200);
        assertThat(answer.body()).doesNotContain("<form");
      } catch (IOException refused) {
        assertThat(refused).isNotNull();
      }
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      "https://127.0.0.1:" + app.port() + "/dashboard/login"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .as("a client that does not trust the test CA")
          .isInstanceOf(IOException.class);
    } finally {
      https.shutdownNow();
      app.close();
    }
  }
}
