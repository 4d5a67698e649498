package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.deployment.RecordingTarget;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.supervisor.StartupReconciler;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.FileTrees;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A deployment cannot survive a restart of the process running it, and leaves nothing half-done: a
 * first version caught starting is rolled back at the next start-up.
 */
class InterruptedDeploymentIT {

  @Test
  void failInterrupted_marksInProgressDeploymentsFailed_withTheReason() {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database = TestDatabases.open(postgres, 2)) {
      DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
      String id = deployments.create("adder", "1.0.0", "name: adder\n", "admin", "local");
      String done = deployments.create("other", "1.0.0", "name: other\n", "admin", "local");
      deployments.markDone(done);

      assertThat(deployments.failInterrupted()).isEqualTo(1);

      assertThat(deployments.find(id).orElseThrow().error())
          .isEqualTo("halted due to server restart");
      assertThat(deployments.find(done).orElseThrow().error()).isNull();
    }
  }

  @Test
  void restart_afterAKillWhileAFirstVersionWasStarting_rollsItBack_andFailsItsDeployment()
      throws IOException {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database = TestDatabases.open(postgres, 2)) {
      // what a platform killed (-9) during "starting" of adder's first version leaves behind
      DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
      String interrupted = deployments.create("adder", "1.0.0", "name: adder\n", "admin", "local");
      insertJob(database, "adder", "1.0.0", "starting", "local");
      insertJob(database, "adder", "0.9.0", "running", "local");

      Path dataDir = Files.createTempDirectory("lifecycle-restart");
      try (LifecycleApp restarted =
          LifecycleApp.start(
              LifecycleConfig.fromEnv(
                  env(postgres, dataDir), LifecycleFixture.AUTH_KEY, "internal-token"),
              Plugins.discover(),
              Clock.systemUTC(),
              true)) {
        JobRepository jobs = new JobRepository(database.jdbi(), "http://pub");
        assertThat(jobs.find("adder", "1.0.0")).isEmpty();
        assertThat(jobs.find("adder", "0.9.0")).as("a registered version is kept").isPresent();
        assertThat(deployments.find(interrupted).orElseThrow().status())
            .isEqualTo(DeploymentStatus.FAILED);
      } finally {
        FileTrees.delete(dataDir);
      }
    }
  }

  @Test
  void startupReconciler_takesAStartingJobOffItsTarget() {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database = TestDatabases.open(postgres, 2)) {
      insertJob(database, "adder", "1.0.0", "starting", "recording");
      insertJob(database, "adder", "0.9.0", "running", "recording");
      RecordingTarget target = new RecordingTarget();
      JobRepository jobs = new JobRepository(database.jdbi(), "http://pub");

      StartupReconciler.Outcome outcome =
          new StartupReconciler(
                  jobs,
                  new DeploymentRepository(database.jdbi()),
                  new Targets(List.of(target), Optional.empty()))
              .reconcile();

      assertThat(outcome.rolledBackStarts()).isEqualTo(1);
      assertThat(target.deleted).containsExactly("adder v1.0.0");
      assertThat(jobs.find("adder", "1.0.0")).isEmpty();
      assertThat(jobs.find("adder", "0.9.0")).isPresent();
    }
  }

  private static void insertJob(
      Database database, String name, String version, String status, String target) {
    database
        .jdbi()
        .useTransaction(
            h ->
                h.createUpdate(
                        """
                        INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time,
                          manifest, deployed_by, infrastructure_target, job_type_version)
                        VALUES (gen_random_uuid()::text, :family, :name, :version, :status, now(), now(),
                          :manifest, 'admin', :target, 'python3:latest')
                        """)
                    .bind(
                        "family",
                        new JobRepository(database.jdbi(), "http://pub").familyId(h, name))
                    .bind("name", name)
                    .bind("version", version)
                    .bind("status", status)
                    .bind("manifest", "name: " + name + "\nversion: " + version + "\n")
                    .bind("target", target)
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
    env.put("RACETRACK_ADMIN_PASSWORD", "restart-admin-password");
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    return env;
  }

  @Test
  void create_whileAnotherOfTheSameVersionRuns_isRefused() {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database = TestDatabases.open(postgres, 2)) {
      DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
      deployments.create("adder", "1.0.0", "name: adder\n", "admin", "local");
      assertThatThrownBy(() -> deployments.create("adder", "1.0.0", "x", "admin", "local"))
          .hasMessageContaining("There's already ongoing deployment of job adder v1.0.0");
      deployments.create("adder", "1.0.1", "name: adder\n", "admin", "local");
    }
  }
}
