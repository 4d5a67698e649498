package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.audit.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.gateway.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a job version: stops it on its target (secrets included), moves its row to the trash so
 * the name+version cannot be reused without force, and records who did it.
 */
public final class JobRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(JobRemoval.class);

  private final Jdbi jdbi;
  private final Jobs jobs;
  private final JobRepository repository;
  private final TrashRepository trash;
  private final Authorizer authorizer;
  private final Targets targets;
  private final AuditLog audit;
  private final GatewayNotifier gateway;

  public JobRemoval(
      Jdbi jdbi,
      Jobs jobs,
      JobRepository repository,
      TrashRepository trash,
      Authorizer authorizer,
      Targets targets,
      AuditLog audit,
      GatewayNotifier gateway) {
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.repository = repository;
    this.trash = trash;
    this.authorizer = authorizer;
    this.targets = targets;
    this.audit = audit;
    this.gateway = gateway;
  }

  /** Deletes {@code name} at {@code version} (aliases resolved) and returns what was deleted. */
  public Job delete(Caller caller, String name, String version) {
    Job job = jobs.get(name, version);
    authorizer.requireJobScope(caller, AuthScope.DELETE_JOB, job.name(), job.version());
    if (job.status() != JobStatus.LOST && job.infrastructureTarget() != null) {
      targets.get(job.infrastructureTarget()).delete(job.name(), job.version());
    }
    jdbi.useTransaction(
        h -> {
          audit.record(
              h,
              AuditLog.JOB_DELETED,
              caller.username(),
              Optional.ofNullable(job.deployedBy()),
              Optional.of(job.name()),
              Optional.of(job.version()),
              Map.of());
          trash.moveToTrash(h, job.id());
          repository.delete(h, job.id());
        });
    gateway.invalidate("job " + job.name() + " v" + job.version() + " deleted");
    LOG.info("job {} v{} deleted by {}", job.name(), job.version(), caller.username());
    return job;
  }
}
