package dev.racetrack.lifecycle.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.model.JobStatus;
import dev.racetrack.testsupport.PostgresFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The supervisor lists the targets, then reads the registry and writes what it saw. A job moved to
 * another target between the two keeps what its move registered: an observation made on the target
 * the job left is not applied over it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservedAfterMoveIT {
  private PostgresFixture postgres;
  private Database database;
  private JobRepository jobs;

  @BeforeAll
  void start() {
    postgres = PostgresFixture.start();
    database = TestDatabases.open(postgres, 2);
    jobs = new JobRepository(database.jdbi(), "http://pub");
  }

  @AfterAll
  void stop() {
    database.close();
    postgres.close();
  }

  private String deploy(String target, String internalName) {
    return database
        .jdbi()
        .inTransaction(
            h ->
                jobs.saveDeployed(
                    h,
                    new JobRepository.Deployed(
                        "adder",
                        "1.0.0",
                        "name: adder\nversion: 1.0.0\n",
                        internalName,
                        List.of(internalName),
                        "adder:1.0.0",
                        "admin",
                        target,
                        "python3:latest",
                        Map.of(),
                        Instant.now())));
  }

  private static JobRepository.Observed seen(String target, String internalName) {
    return new JobRepository.Observed(
        target,
        JobStatus.RUNNING,
        Optional.empty(),
        Optional.empty(),
        Optional.of(internalName),
        List.of(internalName),
        Map.of(),
        Optional.empty());
  }

  @Test
  void observationFromTheTargetTheJobLeft_isNotApplied_oneFromItsTargetIs() {
    String id = deploy("docker", "127.0.0.1:44017");
    // the supervisor lists the docker target: the job's container is still there
    JobRepository.Observed stale = seen("docker", "127.0.0.1:44017");
    // meanwhile the job moves to the cluster
    assertThat(deploy("kubernetes", "job-adder-v-1-0-0.ns.svc.cluster.local:7000")).isEqualTo(id);

    assertThat(jobs.applyObserved(id, stale)).isFalse();
    assertThat(jobs.find("adder", "1.0.0").orElseThrow().internalName())
        .isEqualTo("job-adder-v-1-0-0.ns.svc.cluster.local:7000");

    assertThat(jobs.applyObserved(id, seen("kubernetes", "10.0.0.7:7000"))).isTrue();
    assertThat(jobs.find("adder", "1.0.0").orElseThrow().internalName()).isEqualTo("10.0.0.7:7000");
  }
}
