package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A python job of the original's kind with a Flask webview (samples/python-webview), deployed on a
 * running platform and opened through PUB: its page and a static file with a token, and without one
 * once its public endpoint {@code /api/v1/webview} is activated. Plain GETs only, so it holds for
 * any PUB front.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebviewE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String WEBVIEW = "/job/python-webview/0.0.1/api/v1/webview";

  @TempDir static Path home;

  private PlatformProcess platform;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @BeforeAll
  void startPlatform() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs and their pip installs run in the sandbox
    assertThat(DIST.resolve("lib"))
        .as("distribution (mvn package of the server module)")
        .isDirectory();
    Map<String, String> env = new HashMap<>();
    // The sample needs Flask: a machine with a local wheel mirror (CI) installs it from there.
    if (System.getenv("PIP_INDEX_URL") == null && Files.isDirectory(Path.of("/opt/pypi/simple"))) {
      env.put("PIP_INDEX_URL", "file:///opt/pypi/simple");
    }
    platform = new PlatformProcess(DIST, home, env);
    platform.start();
    token = platform.loginAsAdmin();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void deploy_flaskWebviewSample_runs() {
    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("python-webview").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    assertThat(deploy.output()).contains("job python-webview v0.0.1 is running");
  }

  @Test
  @Order(2)
  void webviewPage_andStaticFile_throughPubWithToken() throws Exception {
    HttpResponse<String> page = get(WEBVIEW + "/?name=Ada", Optional.of(token));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body())
        .contains("Hello, Ada!")
        .contains("href=\"/pub/job/python-webview/0.0.1/api/v1/webview/static/style.css\"");

    HttpResponse<String> css = get(WEBVIEW + "/static/style.css", Optional.of(token));
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.body()).contains(".greeting");

    HttpResponse<String> latest =
        get("/job/python-webview/latest/api/v1/webview/", Optional.of(token));
    assertThat(latest.statusCode()).isEqualTo(200);
    assertThat(latest.body()).contains("Hello, world!");
  }

  @Test
  @Order(3)
  void webview_withoutToken_isRefusedUntilItsPublicEndpointIsActivated() throws Exception {
    assertThat(get(WEBVIEW + "/", Optional.empty()).statusCode()).isEqualTo(401);

    activatePublicEndpoint("python-webview", "/api/v1/webview");

    HttpResponse<String> page = get(WEBVIEW + "/?name=Bo", Optional.empty());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Hello, Bo!");
    HttpResponse<String> css = get(WEBVIEW + "/static/style.css", Optional.empty());
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.body()).contains(".greeting");
    // The public prefix opens the webview only, not the job's other endpoints.
    assertThat(get("/job/python-webview/0.0.1/openapi.json", Optional.empty()).statusCode())
        .isEqualTo(401);
  }

  private void activatePublicEndpoint(String job, String endpoint) throws Exception {
    HttpResponse<String> all =
        http.send(
            HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + "/api/v1/public_endpoints"))
                .header("X-Racetrack-Auth", token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
    String id = null;
    for (JsonNode request : Json.mapper().readTree(all.body())) {
      if (request.path("job_name").asText().equals(job)
          && request.path("endpoint").asText().equals(endpoint)) {
        id = request.path("id").asText();
      }
    }
    assertThat(id).as("public endpoint request of %s in %s", job, all.body()).isNotNull();
    HttpResponse<String> activated =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(platform.lifecycleUrl() + "/api/v1/public_endpoints/" + id))
                .header("X-Racetrack-Auth", token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"active\": true}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, Optional<String> withToken) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.pubUrl() + path));
    withToken.ifPresent(t -> request.header("X-Racetrack-Auth", t));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
