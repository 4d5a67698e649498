package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.JdbcTarget;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.testsupport.PostgresFixture;
import org.junit.jupiter.api.Test;

/** A deployment cannot survive a restart of the process running it. */
class InterruptedDeploymentIT {

  @Test
  void failInterrupted_marksInProgressDeploymentsFailed_withTheReason() {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database =
            Database.open(
                new JdbcTarget(
                    postgres.jdbcUrl(), postgres.user(), postgres.password(), postgres.schema()),
                2)) {
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
  void create_whileAnotherOfTheSameVersionRuns_isRefused() {
    try (PostgresFixture postgres = PostgresFixture.start();
        Database database =
            Database.open(
                new JdbcTarget(
                    postgres.jdbcUrl(), postgres.user(), postgres.password(), postgres.schema()),
                2)) {
      DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
      deployments.create("adder", "1.0.0", "name: adder\n", "admin", "local");
      assertThatThrownBy(() -> deployments.create("adder", "1.0.0", "x", "admin", "local"))
          .hasMessageContaining("There's already ongoing deployment of job adder v1.0.0");
      deployments.create("adder", "1.0.1", "name: adder\n", "admin", "local");
    }
  }
}
