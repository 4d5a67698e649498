package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in job types and targets are bundles on a fresh plugins directory, listed through the
 * plugin API like any other; staff can uninstall one (its jobs then get the obsolete notice, the
 * platform keeps serving) and install it again from its downloaded ZIP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltInPluginsIT {
  @TempDir static Path tmp;
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of("SUPERVISOR_INTERVAL_SECONDS", "0.2"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return LifecycleFixture.json(response.body());
  }

  private Optional<JsonNode> listed(String name) {
    for (JsonNode plugin : get("/api/v1/plugin")) {
      if (plugin.path("name").asText().equals(name)) {
        return Optional.of(plugin);
      }
    }
    return Optional.empty();
  }

  private Optional<String> notice(String job) {
    return lifecycle
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT notice FROM registry_job WHERE name = :name")
                    .bind("name", job)
                    .mapTo(String.class)
                    .findOne());
  }

  @Test
  void builtIns_areInstalledBundles_uninstallableAndReinstallable() throws Exception {
    JsonNode python = listed("python3").orElseThrow();
    String version = python.path("version").asText();
    assertThat(python.path("built_in").asBoolean()).isTrue();
    assertThat(python.path("category").asText()).isEqualTo("job-type");
    assertThat(python.path("build_date").asText()).isNotBlank();
    assertThat(listed("local").orElseThrow().path("category").asText()).isEqualTo("infrastructure");
    assertThat(lifecycle.dataDir().resolve("plugins/python3-" + version + ".zip")).isRegularFile();
    assertThat(lifecycle.dataDir().resolve("plugins/built-ins.txt")).content().contains("python3");
    HttpResponse<byte[]> zip =
        java.net.http.HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            lifecycle.url("/api/v1/plugin/python3/" + version + "/download")))
                    .header("X-Racetrack-Auth", admin)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zip.statusCode()).isEqualTo(200);
    Path downloaded = Files.write(tmp.resolve("python3.zip"), zip.body());
    insertJob("old-adder", "python3:1.0.0");
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(5))
        .until(() -> notice("old-adder").isEmpty());

    HttpResponse<String> deleted =
        lifecycle.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/plugin/python3/" + version)))
                .header("X-Racetrack-Auth", admin)
                .DELETE());

    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(listed("python3")).isEmpty();
    assertThat(get("/api/v1/plugin/job_type/versions").toString()).doesNotContain("python3:");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> notice("old-adder").filter(n -> n.contains("job type is obsolete")).isPresent());
    assertThat(get("/api/v1/audit/activity").path("events").findValuesAsText("explanation"))
        .contains("Plugin python3 " + version + " uninstalled by admin");

    HttpResponse<String> reinstalled =
        lifecycle.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/plugin/upload/python3.zip")))
                .header("X-Racetrack-Auth", admin)
                .POST(HttpRequest.BodyPublishers.ofFile(downloaded)));

    assertThat(reinstalled.statusCode()).as(reinstalled.body()).isEqualTo(200);
    assertThat(listed("python3").orElseThrow().path("built_in").asBoolean()).isTrue();
    assertThat(get("/api/v1/plugin/job_type/versions").toString()).contains("python3:1.0.0");
  }

  private void insertJob(String name, String jobType) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              String family = UUID.randomUUID().toString();
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)", family, name);
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status,"
                      + " infrastructure_target, job_type_version)"
                      + " VALUES (?, ?, ?, '1.0.0', 'running', 'local', ?)",
                  UUID.randomUUID().toString(),
                  family,
                  name,
                  jobType);
            });
  }
}
