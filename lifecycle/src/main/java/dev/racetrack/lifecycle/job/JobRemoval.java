package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.spi.JobChange;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a job version: stops it on its target (secrets included), forgets its kept source, moves
 * its row to the trash so the name+version cannot be reused without force, and records who did it.
 */
public final class JobRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(JobRemoval.class);

  /** What deleting needs. */
  public record Parts(
      Jdbi jdbi,
      Jobs jobs,
      JobRepository repository,
      TrashRepository trash,
      Authorizer authorizer,
      Targets targets,
      AuditLog audit,
      GatewayNotifier gateway,
      Maintenance maintenance,
      BuildContexts contexts,
      PluginHooks hooks) {}

  private final Parts p;

  public JobRemoval(Parts parts) {
    this.p = parts;
  }

  /** Deletes {@code name} at {@code version} (aliases resolved) and returns what was deleted. */
  public Job delete(Caller caller, String name, String version) {
    p.maintenance().ensureOff();
    Job job = p.jobs().get(name, version);
    p.authorizer().requireJobScope(caller, AuthScope.DELETE_JOB, job.name(), job.version());
    if (job.status() != JobStatus.LOST && job.infrastructureTarget() != null) {
      p.targets().get(job.infrastructureTarget()).delete(job.name(), job.version());
    }
    p.jdbi()
        .useTransaction(
            h -> {
              p.audit()
                  .record(
                      h,
                      AuditLog.JOB_DELETED,
                      caller.username(),
                      Optional.ofNullable(job.deployedBy()),
                      Optional.of(job.name()),
                      Optional.of(job.version()),
                      Map.of());
              p.trash().moveToTrash(h, job.id());
              p.repository().delete(h, job.id());
            });
    p.contexts().delete(job.name(), job.version());
    p.gateway().invalidate("job " + job.name() + " v" + job.version() + " deleted");
    LOG.info("job {} v{} deleted by {}", job.name(), job.version(), caller.username());
    p.hooks()
        .afterDelete(
            new JobChange(
                job.name(),
                job.version(),
                caller.username(),
                Optional.ofNullable(job.infrastructureTarget()),
                Optional.empty(),
                Optional.ofNullable(job.jobTypeVersion()).filter(v -> !v.isEmpty())));
    return job;
  }
}
