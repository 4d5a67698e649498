package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.NewerVersions;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code starting} row that makes a first version visible while it starts, and its removal when
 * the start fails; each keeps the family's newer-version counts right.
 */
public final class StartingRows {
  private static final DeployedJobRepository ROWS = new DeployedJobRepository();

  private final Jdbi jdbi;
  private final JobRepository jobs;

  public StartingRows(Jdbi jdbi, JobRepository jobs) {
    this.jdbi = jdbi;
    this.jobs = jobs;
  }

  void insert(DeploymentTask task, Instant now) {
    jdbi.useTransaction(
        h ->
            ROWS.insertStarting(
                h,
                new DeployedJobRepository.Starting(
                    jobs.familyId(h, task.jobName()),
                    task.jobName(),
                    task.jobVersion(),
                    now,
                    task.manifest().toYaml(),
                    task.caller().username(),
                    task.target(),
                    task.jobType().key())));
    jdbi.useTransaction(h -> NewerVersions.refresh(h, Optional.of(task.jobName())));
  }

  void delete(DeploymentTask task) {
    jdbi.useHandle(h -> ROWS.deleteStarting(h, task.jobName(), task.jobVersion()));
    jdbi.useTransaction(h -> NewerVersions.refresh(h, Optional.of(task.jobName())));
  }
}
