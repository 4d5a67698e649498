package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only plugin endpoints answer what the original's answer (§3.9): {@code
 * infrastructure_targets} maps each target to the manifest of the plugin it comes from, and {@code
 * tree} lists the plugins with their job types and targets and the jobs using each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginTreeIT {
  @TempDir static Path tmp;
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of());
    admin = lifecycle.adminToken();
    install(
        PluginBundleFixture.plugin(tmp, "shell", "1.2.0", "category: job-type\n")
            .file("job-type.yaml", "images:\n  - dockerfile: job.Dockerfile\n")
            .file("job.Dockerfile", "FROM scratch\n")
            .zip("shell-1.2.0.zip"));
    install(
        PluginBundleFixture.plugin(
                tmp, "remote-infra", "0.3.0", "category: infrastructure\nurl: https://x.test\n")
            .javaClass(
                "test.Remote",
                """
                package test;
                import dev.racetrack.spi.*;
                public class Remote implements InfrastructurePlugin {
                  @Override public String name() { return "remote-k8s"; }
                  @Override public InfrastructureTarget create(PluginContext context) {
                    throw new IllegalStateException("not configured");
                  }
                }
                """)
            .service("dev.racetrack.spi.InfrastructurePlugin", "test.Remote")
            .zip("remote-infra-0.3.0.zip"));
    job("a", "shell:1.2.0", "remote-k8s");
    job("b", "shell:1.2.0", "local");
    job("c", "python3:1.0.0", "local");
    job("d", "shell:0.9.0", "local"); // a job type version no plugin provides any more
  }

  @AfterAll
  void stop() {
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  private void install(Path zip) {
    HttpResponse<String> response =
        lifecycle.send(
            HttpRequest.newBuilder(
                    java.net.URI.create(
                        lifecycle.url("/api/v1/plugin/upload/" + zip.getFileName())))
                .header("X-Racetrack-Auth", admin)
                .POST(bodyOf(zip)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static HttpRequest.BodyPublisher bodyOf(Path zip) {
    try {
      return HttpRequest.BodyPublishers.ofFile(zip);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private void job(String name, String jobType, String target) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              String family = UUID.randomUUID().toString();
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)", family, name);
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status,"
                      + " infrastructure_target, job_type_version)"
                      + " VALUES (?, ?, ?, '1.0.0', 'running', ?, ?)",
                  UUID.randomUUID().toString(),
                  family,
                  name,
                  target,
                  jobType);
            });
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = lifecycle.get(path, admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return LifecycleFixture.json(response.body());
  }

  private static JsonNode entry(JsonNode list, String name, String version) {
    for (JsonNode item : list) {
      if (item.path("name").asText().equals(name)
          && item.path("version").asText().equals(version)) {
        return item;
      }
    }
    throw new AssertionError(name + " " + version + " not in " + list);
  }

  @Test
  void infrastructureTargets_mapEachTargetToTheManifestOfItsPlugin() {
    JsonNode targets = get("/api/v1/plugin/infrastructure_targets");

    JsonNode remote = targets.path("remote-k8s");
    assertThat(remote.path("name").asText()).isEqualTo("remote-infra");
    assertThat(remote.path("version").asText()).isEqualTo("0.3.0");
    assertThat(remote.path("category").asText()).isEqualTo("infrastructure");
    assertThat(remote.path("url").asText()).isEqualTo("https://x.test");
    assertThat(remote.has("priority")).isTrue();
    assertThat(remote.has("components")).isTrue();
    JsonNode local = targets.path("local");
    assertThat(local.path("name").asText()).isEqualTo("local");
    assertThat(local.path("category").asText()).isEqualTo("infrastructure");
    assertThat(local.path("version").asText()).isNotBlank();
  }

  @Test
  void tree_groupsJobTypesAndTargetsByPlugin_withTheJobsUsingEach() {
    JsonNode tree = get("/api/v1/plugin/tree");

    assertThat(tree.path("plugins").findValuesAsText("name"))
        .contains("shell", "remote-infra", "python3", "local");
    JsonNode shell = entry(tree.path("job_type_plugins_data"), "shell", "1.2.0");
    assertThat(shell.path("job_types").toString())
        .isEqualTo("[{\"name\":\"shell:1.2.0\",\"active_jobs\":2}]");
    JsonNode python =
        tree.path("job_type_plugins_data").findParents("job_types").stream()
            .filter(p -> p.path("job_types").toString().contains("\"python3:1.0.0\""))
            .findFirst()
            .orElseThrow();
    assertThat(python.path("job_types").toString())
        .contains("{\"name\":\"python3:1.0.0\",\"active_jobs\":1}");
    JsonNode remote = entry(tree.path("infrastructure_plugins_data"), "remote-infra", "0.3.0");
    assertThat(remote.path("infrastructures").toString())
        .isEqualTo("[{\"name\":\"remote-k8s\",\"active_jobs\":1}]");
    JsonNode local =
        tree.path("infrastructure_plugins_data").findParents("infrastructures").stream()
            .filter(p -> p.path("infrastructures").toString().contains("\"local\""))
            .findFirst()
            .orElseThrow();
    assertThat(local.path("infrastructures").toString())
        .contains("{\"name\":\"local\",\"active_jobs\":3}");
    List<String> names = tree.path("job_type_plugins_data").findValuesAsText("name");
    assertThat(names).doesNotContain("shell:0.9.0");
  }
}
