package dev.racetrack.python3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.FreePort;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A python job built by the job type and started from its launch spec, called the way PUB calls it:
 * the webview and its static files under the public prefix, and the manifest's call_timeout
 * enforced by the wrapper.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Python3WrapperIT {
  private static final String SECRET = "secret-pub-presents";
  private static final String PREFIX = "/pub/job/webjob/0.0.1";

  @TempDir static Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process job;
  private int port;

  private static final String JOB =
      """
      import json, time

      class WebJob:
          def perform(self, seconds: float = 0):
              time.sleep(seconds)
              return 'done'

          def webview_app(self, base_url):
              def app(environ, start_response):
                  body = json.dumps({'base_url': base_url, 'path': environ['PATH_INFO']}).encode()
                  start_response('200 OK', [('Content-Type', 'application/json')])
                  return [body]
              return app
      """;

  @BeforeAll
  void startJob() throws IOException {
    Tools.require("python3");
    Path source = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(source.resolve("job.py"), JOB);
    Files.createDirectories(source.resolve("static"));
    Files.writeString(source.resolve("static/app.js"), "console.log('hi');\n");
    Files.writeString(source.resolve("secret.txt"), "SECRET");
    Path artifact = Files.createDirectories(tmp.resolve("artifact"));
    Map<String, String> tools =
        Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"));
    LaunchSpec spec =
        new Python3JobType()
            .buildLocal(
                new JobBuild(
                    manifest(),
                    source,
                    artifact,
                    Map.of(),
                    tools,
                    BuildProgress.discard(),
                    Sandbox.none()))
            .resolve(artifact.toString());
    port = FreePort.find();
    Map<String, String> env = new HashMap<>(tools);
    env.putAll(spec.env());
    env.putAll(
        Map.of(
            "JOB_NAME", "webjob",
            "JOB_VERSION", "0.0.1",
            "JOB_HTTP_ADDR", "127.0.0.1",
            "JOB_HTTP_PORT", Integer.toString(port),
            "RACETRACK_JOB_CALL_SECRET", SECRET));
    ProcessBuilder builder =
        new ProcessBuilder(spec.command())
            .directory(artifact.resolve(spec.workingDir()).toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("job.log").toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    job = builder.start();
    // Until the wrapper listens, a connect fails in more than one way (refused, or a channel
    // closed under the client): any IOException means "not yet"; a dead process fails at once.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(IOException.class)
        .failFast(
            "the job exited before it was ready; its log:\n" + tmp.resolve("job.log"),
            () -> !job.isAlive())
        .until(() -> get("/ready").statusCode() == 200);
  }

  @AfterAll
  void stopJob() {
    if (job != null) {
      job.destroyForcibly();
    }
  }

  private static Manifest manifest() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", "webjob");
    raw.put("version", "0.0.1");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    raw.put("call_timeout", 1);
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Racetrack-Job-Secret", SECRET)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Racetrack-Job-Secret", SECRET)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void webview_underThePublicPrefix_getsTheBaseUrl() throws Exception {
    HttpResponse<String> page = get(PREFIX + "/api/v1/webview/orders?x=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("\"base_url\": \"" + PREFIX + "/api/v1/webview\"")
        .contains("\"path\": \"" + PREFIX + "/api/v1/webview/orders\"");
    assertThat(get("/pub/job/webjob/latest/api/v1/webview").body())
        .contains("\"path\": \"" + PREFIX + "/api/v1/webview\"");
  }

  @Test
  void webviewStatic_servesTheJobsStaticDirAndNothingElse() throws Exception {
    HttpResponse<String> script = get(PREFIX + "/api/v1/webview/static/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).isEqualTo("console.log('hi');\n");
    for (String escape :
        List.of(
            "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt", "/static/%2fetc%2fpasswd")) {
      HttpResponse<String> refused = get(PREFIX + "/api/v1/webview" + escape);
      assertThat(refused.statusCode()).as(escape).isEqualTo(404);
      assertThat(refused.body()).doesNotContain("SECRET");
    }
  }

  @Test
  void perform_longerThanTheManifestsCallTimeout_is504NamingTheLimit() throws Exception {
    HttpResponse<String> slow = post(PREFIX + "/api/v1/perform", "{\"seconds\": 5}");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(slow.body()).contains("call_timeout of 1 s").contains("\"type\": \"timeout\"");
    HttpResponse<String> fast = post(PREFIX + "/api/v1/perform", "{\"seconds\": 0}");
    assertThat(fast.statusCode()).isEqualTo(200);
    assertThat(fast.body()).isEqualTo("\"done\"");
  }
}
