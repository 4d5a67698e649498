package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The plugin management API of §3.9 on a real lifecycle: staff only, audited, atomic. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginApiIT {
  @TempDir static Path tmp;
  private LifecycleFixture lifecycle;
  private String admin;
  private long builtInFiles; // the built-ins' bundles, installed on the first start
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    lifecycle =
        new LifecycleFixture(
            Map.of("REGISTRATIONS_PER_HOUR", "100", "PLUGIN_HOOK_TIMEOUT_MS", "1000"));
    admin = lifecycle.adminToken();
    try {
      builtInFiles = pluginFiles();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  void stop() {
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  private Path hookBundle(String version) {
    return PluginBundleFixture.plugin(tmp, "notes", version, "category: core\n")
        .javaClass(
            "test.Notes",
            """
            package test;
            import dev.racetrack.spi.*;
            import java.util.*;
            public class Notes implements PluginHook {
              private PluginSetup setup;
              @Override public void init(PluginSetup setup) { this.setup = setup; }
              @Override public Optional<String> markdownDocs() { return Optional.of("# Notes\\n" + setup.config()); }
              @Override public void validateConfig(String yaml) {
                if (!PluginSetup.parseConfig(yaml).containsKey("url")) throw new IllegalArgumentException("url is required");
              }
              @Override public Object runAction(Map<String, Object> args) {
                if (args.containsKey("hang")) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }
                if (args.containsKey("fail")) throw new IllegalStateException("asked to fail");
                return Map.of("echo", args);
              }
            }
            """)
        .service("dev.racetrack.spi.PluginHook", "test.Notes")
        .zip("notes-" + version + ".zip");
  }

  private HttpResponse<String> upload(String filename, Path zip, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/plugin/upload/" + filename)))
            .POST(HttpRequest.BodyPublishers.ofFile(zip));
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Registers a user, has the admin activate it, and returns its token. */
  private String activeUser(String username, String password) {
    return lifecycle.activeUser(username, password);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  private long pluginFiles() throws Exception {
    Path dir = lifecycle.dataDir().resolve("plugins");
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  @Order(1)
  void upload_invalidBundles_installNothingAndSayWhy() throws Exception {
    Path python =
        PluginBundleFixture.rawZip(
            tmp.resolve("py.zip"),
            Map.of(
                "plugin-manifest.yaml",
                "name: py\nversion: 1.0.0\n",
                "plugin.py",
                "class Plugin: pass"));
    HttpResponse<String> refused = upload("py.zip", python, admin);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).path("error").asText()).contains("plugin.py").contains("lib/*.jar");

    Path traversal =
        PluginBundleFixture.rawZip(
            tmp.resolve("t.zip"),
            Map.of("plugin-manifest.yaml", "name: t\nversion: 1.0.0\n", "../../escape", "x"));
    assertThat(json(upload("t.zip", traversal, admin)).path("error").asText())
        .contains("unsafe entry name");

    Path notZip = Files.writeString(tmp.resolve("n.zip"), "hello");
    assertThat(upload("n.zip", notZip, admin).statusCode()).isEqualTo(400);
    assertThat(upload("n.txt", notZip, admin).statusCode()).isEqualTo(400);

    assertThat(pluginFiles()).isEqualTo(builtInFiles);
  }

  @Test
  @Order(2)
  void upload_withoutTokenOrAsNonStaff_isRefused() throws Exception {
    assertThat(upload("notes.zip", hookBundle("1.0.0"), null).statusCode()).isEqualTo(401);
    String user = activeUser("plain@example.com", "correct horse battery");

    HttpResponse<String> notStaff = upload("notes.zip", hookBundle("1.0.0"), user);
    assertThat(notStaff.statusCode()).isEqualTo(401);
    assertThat(json(notStaff).path("error").asText()).contains("only staff");
    assertThat(send("DELETE", "/api/v1/plugin/all", null, user).statusCode()).isEqualTo(401);
    for (String staffOnly :
        List.of("/api/v1/plugin", "/api/v1/plugin/tree", "/api/v1/plugin/python3/1.0.0/download")) {
      HttpResponse<String> refused = send("GET", staffOnly, null, user);
      assertThat(refused.statusCode()).as(staffOnly).isEqualTo(401);
      assertThat(json(refused).path("error").asText()).as(staffOnly).contains("only staff");
    }
    // what a manifest may name stays readable to every user
    assertThat(send("GET", "/api/v1/plugin/job_type/versions", null, user).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/api/v1/plugin/infrastructure_targets", null, user).statusCode())
        .isEqualTo(200);
    assertThat(pluginFiles()).isEqualTo(builtInFiles);
  }

  @Test
  @Order(3)
  void upload_asStaff_installsListsAndAudits() throws Exception {
    HttpResponse<String> installed = upload("notes.zip", hookBundle("1.0.0"), admin);

    assertThat(installed.statusCode()).as(installed.body()).isEqualTo(200);
    assertThat(json(installed).path("name").asText()).isEqualTo("notes");
    JsonNode list = json(send("GET", "/api/v1/plugin", null, admin));
    assertThat(list.findValuesAsText("name")).contains("notes", "python3", "local");
    JsonNode event = json(lifecycle.get("/api/v1/audit/activity", admin)).path("events").get(0);
    assertThat(event.path("event_type").asText()).isEqualTo("plugin_installed");
    assertThat(event.path("explanation").asText())
        .isEqualTo("Plugin notes 1.0.0 installed by admin");
  }

  @Test
  @Order(4)
  void config_invalidIsRefusedByThePlugin_validIsStoredAndSeen() throws Exception {
    HttpResponse<String> refused =
        send(
            "PUT",
            "/api/v1/plugin/notes/1.0.0/config",
            "{\"config_data\": \"other: 1\\n\"}",
            admin);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).path("error").asText())
        .isEqualTo("plugin notes-1.0.0 refused the configuration: url is required");

    HttpResponse<String> stored =
        send(
            "PUT",
            "/api/v1/plugin/notes/1.0.0/config",
            "{\"config_data\": \"url: http://127.0.0.1:1/\\n\"}",
            admin);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);

    assertThat(json(send("GET", "/api/v1/plugin/notes/1.0.0/config", null, admin)).asText())
        .isEqualTo("url: http://127.0.0.1:1/\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                json(send("GET", "/api/v1/plugin/notes/docs", null, admin))
                    .asText()
                    .contains("url: http://127.0.0.1:1/"));
  }

  @Test
  @Order(5)
  void run_actionResultsErrorsAndTimeoutsNameThePlugin() throws Exception {
    HttpResponse<String> ok = send("POST", "/api/v1/plugin/notes/run?x=1", "{\"y\": 2}", admin);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json(ok).path("echo").path("x").asText()).isEqualTo("1");
    assertThat(json(ok).path("echo").path("y").asInt()).isEqualTo(2);

    HttpResponse<String> failed =
        send("POST", "/api/v1/plugin/notes/run", "{\"fail\": true}", admin);
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(json(failed).path("error").asText())
        .isEqualTo("plugin notes-1.0.0 failed in admin action: asked to fail");

    HttpResponse<String> hung = send("POST", "/api/v1/plugin/notes/run", "{\"hang\": true}", admin);
    assertThat(json(hung).path("error").asText())
        .contains("plugin notes-1.0.0: admin action did not finish within 1000 ms");
    // the platform keeps serving
    assertThat(send("GET", "/api/v1/plugin", null, admin).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(6)
  void download_returnsTheStoredZip() throws Exception {
    HttpResponse<byte[]> zip =
        http.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/plugin/notes/1.0.0/download")))
                .header("X-Racetrack-Auth", admin)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(zip.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/zip"));
    assertThat(zip.body())
        .isEqualTo(Files.readAllBytes(lifecycle.dataDir().resolve("plugins/notes-1.0.0.zip")));
    assertThat(send("GET", "/api/v1/plugin/notes/9.9.9/download", null, admin).statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(7)
  void delete_removesAndAudits() throws Exception {
    HttpResponse<String> deleted = send("DELETE", "/api/v1/plugin/notes/1.0.0", null, admin);

    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(json(send("GET", "/api/v1/plugin", null, admin)).findValuesAsText("name"))
        .doesNotContain("notes");
    assertThat(send("DELETE", "/api/v1/plugin/notes/1.0.0", null, admin).statusCode())
        .isEqualTo(404);
    List<String> explanations =
        json(lifecycle.get("/api/v1/audit/activity", admin))
            .path("events")
            .findValuesAsText("explanation");
    assertThat(explanations).contains("Plugin notes 1.0.0 uninstalled by admin");
  }
}
