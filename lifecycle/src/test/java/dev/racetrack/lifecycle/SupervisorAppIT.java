package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The supervisor as its own process next to a lifecycle started with the supervisor off ({@code
 * SUPERVISOR_EMBEDDED=false}, as in kustomize/dev): the supervisor syncs job statuses on the shared
 * database and answers {@code /live} and {@code /ready}; lifecycle keeps the start-up cleanup of
 * deployments a restart interrupted, and no longer syncs statuses itself.
 */
class SupervisorAppIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void supervisor_onItsOwn_syncsStatusesAndIsReady_whileLifecycleRunsWithoutIt() throws Exception {
    Path lifecycleDir = Files.createTempDirectory("supervisor-it-lifecycle");
    Path supervisorDir = Files.createTempDirectory("supervisor-it-supervisor");
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database = TestDatabases.open(postgres, 2)) {
      // a job the registry says runs on the local target, which runs nothing here
      insertRunningJob(database, "adder", "1.0.0");
      DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
      String interrupted = deployments.create("other", "1.0.0", "name: other\n", "admin", "local");
      JobRepository jobs = new JobRepository(database.jdbi(), "http://pub");

      try (LifecycleApp lifecycle =
          LifecycleApp.start(
              LifecycleConfig.fromEnv(
                  env(postgres, lifecycleDir), LifecycleFixture.AUTH_KEY, "internal-token"),
              Plugins.discover(),
              Clock.systemUTC(),
              false)) {
        assertThat(deployments.find(interrupted).orElseThrow().status())
            .as("lifecycle still fails the deployments a restart interrupted")
            .isEqualTo(DeploymentStatus.FAILED);
        // with the interval at 0.2 s an embedded loop would have marked the job lost by now
        await()
            .during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(2))
            .until(() -> jobs.find("adder", "1.0.0").orElseThrow().status() == JobStatus.RUNNING);

        Map<String, String> env = env(postgres, supervisorDir);
        env.put("SUPERVISOR_PORT", "0");
        try (SupervisorApp supervisor =
            SupervisorApp.start(
                LifecycleConfig.fromEnv(env, LifecycleFixture.AUTH_KEY, ""),
                Plugins.discover(),
                Clock.systemUTC())) {
          assertThat(get(supervisor.port(), "/live").statusCode()).isEqualTo(200);
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> get(supervisor.port(), "/ready").statusCode() == 200);
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> jobs.find("adder", "1.0.0").orElseThrow().status() == JobStatus.LOST);
          assertThat(get(supervisor.port(), "/ready").body())
              .contains("\"service\":\"supervisor\"");
          assertThat(get(supervisor.port(), "/metrics").body()).contains("supervisor_sync_pass");
          int port = supervisor.port();
          supervisor.close();
          assertThatThrownBy(() -> get(port, "/live")).hasCauseInstanceOf(ConnectException.class);
        }
      }
    } finally {
      FileTrees.delete(lifecycleDir);
      FileTrees.delete(supervisorDir);
    }
  }

  @Test
  void supervisor_withoutAnExternalDatabase_refusesToStart_namingTheSettings() throws IOException {
    Path dir = Files.createTempDirectory("supervisor-it-nodb");
    try {
      Map<String, String> env = new HashMap<>();
      env.put("RACETRACK_DATA_DIR", dir.toString());
      env.put("SUPERVISOR_PORT", "0");
      assertThatThrownBy(
              () ->
                  SupervisorApp.start(
                      LifecycleConfig.fromEnv(env, LifecycleFixture.AUTH_KEY, ""),
                      Plugins.discover(),
                      Clock.systemUTC()))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("DATABASE_URL")
          .hasMessageContaining("POSTGRES_HOST");
    } finally {
      FileTrees.delete(dir);
    }
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void insertRunningJob(Database database, String name, String version) {
    database
        .jdbi()
        .useTransaction(
            h ->
                h.createUpdate(
                        """
                        INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time,
                          manifest, deployed_by, infrastructure_target, job_type_version)
                        VALUES (gen_random_uuid()::text, :family, :name, :version, 'running', now(), now(),
                          :manifest, 'admin', 'local', 'python3:latest')
                        """)
                    .bind(
                        "family",
                        new JobRepository(database.jdbi(), "http://pub").familyId(h, name))
                    .bind("name", name)
                    .bind("version", version)
                    .bind("manifest", "name: " + name + "\nversion: " + version + "\n")
                    .execute());
  }

  private static Map<String, String> env(PostgresFixture postgres, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", dataDir.toString());
    env.put("LIFECYCLE_PORT", "0");
    env.put("DATABASE_URL", postgres.jdbcUrl());
    env.put("POSTGRES_USER", postgres.user());
    env.put("POSTGRES_PASSWORD", postgres.password());
    env.put("POSTGRES_SCHEMA", postgres.schema());
    env.put("RACETRACK_ADMIN_PASSWORD", "supervisor-it-admin-password");
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    env.put("SUPERVISOR_INTERVAL_SECONDS", "0.2");
    return env;
  }
}
