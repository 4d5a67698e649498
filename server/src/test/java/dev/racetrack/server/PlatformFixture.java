package dev.racetrack.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.java.JavaJobType;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform in this JVM on free ports with a fresh data directory, two local targets
 * ({@code local}, the default, and {@code local-b}) and an admin token.
 */
final class PlatformFixture implements AutoCloseable {
  static final String ADMIN_PASSWORD = "fixture admin phrase";

  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path home;
  private final Plugins plugins;
  private Platform platform;
  private String admin;

  PlatformFixture(Path home, Map<String, String> extra) {
    this(
        home,
        extra,
        new Plugins(
            List.of(new Python3JobType(), new JavaJobType()),
            List.of(
                new LocalInfrastructurePlugin("local"), new LocalInfrastructurePlugin("local-b"))));
  }

  /** A platform with the given plugins. */
  PlatformFixture(Path home, Map<String, String> extra, Plugins plugins) {
    this.home = home;
    this.plugins = plugins;
    env.put("RACETRACK_DATA_DIR", home.resolve("data").toString());
    env.put("LIFECYCLE_PORT", Integer.toString(FreePort.find()));
    env.put("PUB_PORT", Integer.toString(FreePort.find()));
    env.put("IMAGE_BUILDER_PORT", Integer.toString(FreePort.find()));
    env.put("DASHBOARD_PORT", Integer.toString(FreePort.find()));
    env.put("RACETRACK_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("INFRASTRUCTURE_TARGET", "local");
    env.put("SUPERVISOR_INTERVAL_SECONDS", "0.5");
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    env.putAll(extra);
    start();
  }

  void start() {
    platform = Platform.start(env, plugins);
    admin =
        json(post(
                    "/api/v1/users/login",
                    Map.of("username", "admin", "password", ADMIN_PASSWORD),
                    null)
                .body())
            .path("token")
            .asText();
  }

  void restart() {
    platform.close();
    start();
  }

  Path dataDir() {
    return home.resolve("data");
  }

  /** The environment the platform was started with (for admin commands run beside it). */
  Map<String, String> env() {
    return Map.copyOf(env);
  }

  /** The internal token the running platform's components present to each other. */
  String internalToken() {
    return platform.lifecycleConfig().internalToken();
  }

  String admin() {
    return admin;
  }

  String lifecycle(String path) {
    return "http://127.0.0.1:" + platform.lifecyclePort() + path;
  }

  String dashboard(String path) {
    return "http://127.0.0.1:" + platform.dashboardPort() + "/dashboard" + path;
  }

  String pub(String path) {
    return "http://127.0.0.1:" + platform.pubPort() + "/pub" + path;
  }

  HttpResponse<String> get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(lifecycle(path)))
            .header("X-Racetrack-Auth", admin)
            .GET());
  }

  HttpResponse<String> post(String path, Object body) {
    return post(path, body, admin);
  }

  HttpResponse<String> post(String path, Object body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(lifecycle(path)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return send(request);
  }

  HttpResponse<String> put(String path, Object body) {
    return send(
        HttpRequest.newBuilder(URI.create(lifecycle(path)))
            .header("X-Racetrack-Auth", admin)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))));
  }

  HttpResponse<String> delete(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(lifecycle(path)))
            .header("X-Racetrack-Auth", admin)
            .DELETE());
  }

  /** Calls a job's perform through PUB. */
  HttpResponse<String> perform(String job, String version, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(pub("/job/" + job + "/" + version + "/api/v1/perform")))
            .header("X-Racetrack-Auth", admin)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Deploys a python job whose source is {@code files}; returns the deployment id. */
  String deploy(
      Map<String, Object> manifest, Map<String, String> files, Map<String, Object> extraPayload) {
    try {
      Path dir = Files.createTempDirectory(home, "job");
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue());
      }
      Map<String, Object> payload = new HashMap<>(extraPayload);
      payload.put("manifest", manifest);
      payload.put(
          "build_context", Base64.getEncoder().encodeToString(BuildContext.pack(dir, p -> true)));
      HttpResponse<String> response = post("/api/v1/deploy", payload);
      if (response.statusCode() != 200) {
        throw new AssertionError("deploy refused: " + response.body());
      }
      return json(response.body()).path("id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a deployment to end and returns it. */
  JsonNode awaitDeployment(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                !json(get("/api/v1/deploy/" + id).body())
                    .path("status")
                    .asText()
                    .equals("in_progress"));
    return json(get("/api/v1/deploy/" + id).body());
  }

  static JsonNode json(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      for (JsonNode job : json(get("/api/v1/job").body())) {
        delete("/api/v1/job/" + job.path("name").asText() + "/" + job.path("version").asText());
      }
    } finally {
      platform.close();
    }
  }
}
