package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.testsupport.PluginBundleFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An infrastructure target installed as a bundle while lifecycle runs is usable without a restart
 * (a deployment may name it), and is gone again once the bundle is uninstalled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundledTargetsIT {
  private static final String TARGET_SOURCE =
      """
      package test;
      import dev.racetrack.spi.*;
      import java.io.Closeable;
      import java.util.*;
      import java.util.function.Consumer;
      public class Elsewhere implements InfrastructurePlugin {
        @Override public String name() { return "elsewhere"; }
        @Override public InfrastructureTarget create(PluginContext context) {
          return new InfrastructureTarget() {
            @Override public String name() { return "elsewhere"; }
            @Override public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
              throw new JobStartException("elsewhere runs nothing");
            }
            @Override public void delete(String jobName, String jobVersion) {}
            @Override public List<JobState> list() { return List.of(); }
            @Override public String recentLogs(String jobName, String jobVersion, int tail) {
              return "";
            }
            @Override public Closeable followLogs(
                String jobName, String jobVersion, int tail, Consumer<String> onLine) {
              return () -> {};
            }
            @Override public void saveSecrets(String jobName, String jobVersion, JobSecrets s) {}
            @Override public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
              return Optional.empty();
            }
            @Override public void close() {}
          };
        }
      }
      """;

  @TempDir static Path tmp;
  private LifecycleFixture lifecycle;
  private String admin;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of("REGISTRATIONS_PER_HOUR", "100"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  private HttpResponse<String> deployTo(String target) {
    return lifecycle.post(
        "/api/v1/deploy",
        Map.of(
            "manifest",
            Map.of(
                "name",
                "far-away",
                "owner_email",
                "dev@example.com",
                "jobtype",
                "python3:latest",
                "infrastructure_target",
                target,
                "git",
                Map.of("remote", "https://example.com/jobs"),
                "jobtype_extra",
                Map.of("entrypoint_path", "adder.py"))),
        admin);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.header("X-Racetrack-Auth", admin).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void targetBundle_installedAtRuntime_isUsableWithoutRestart_andGoneAfterUninstall()
      throws Exception {
    assertThat(deployTo("elsewhere").body()).contains("'elsewhere' is not available");
    Path zip =
        PluginBundleFixture.plugin(tmp, "elsewhere", "1.0.0", "category: infrastructure\n")
            .javaClass("test.Elsewhere", TARGET_SOURCE)
            .service("dev.racetrack.spi.InfrastructurePlugin", "test.Elsewhere")
            .zip("elsewhere-1.0.0.zip");

    HttpResponse<String> installed =
        send(
            HttpRequest.newBuilder(
                    URI.create(lifecycle.url("/api/v1/plugin/upload/elsewhere-1.0.0.zip")))
                .POST(HttpRequest.BodyPublishers.ofFile(zip)));
    assertThat(installed.statusCode()).as(installed.body()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              HttpResponse<String> accepted = deployTo("elsewhere");
              assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            });

    HttpResponse<String> removed =
        send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/plugin/elsewhere/1.0.0")))
                .DELETE());
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(deployTo("elsewhere").body()).contains("'elsewhere' is not available"));
  }
}
