package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.spi.JobChange;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a job version: stops it on its target (secrets included), forgets its kept source, moves
 * its row to the trash so the name+version cannot be reused without force, and records who did it;
 * under the version's lock, so that a move or redeployment running meanwhile never brings it back
 * (see {@link Trash#add}).
 */
public final class JobRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(JobRemoval.class);

  private final JobAccess access;
  private final Targets targets;
  private final Trash trash;
  private final GatewayNotifier gateway;
  private final PluginHooks hooks;

  public JobRemoval(
      JobAccess access, Targets targets, Trash trash, GatewayNotifier gateway, PluginHooks hooks) {
    this.access = access;
    this.targets = targets;
    this.trash = trash;
    this.gateway = gateway;
    this.hooks = hooks;
  }

  /** Deletes {@code name} at {@code version} (aliases resolved) and returns what was deleted. */
  public Job delete(Caller caller, String name, String version) {
    Job job =
        trash.add(
            access.forChange(caller, name, version, AuthScope.DELETE_JOB),
            caller.username(),
            current -> {
              if (current.status() != JobStatus.LOST && current.infrastructureTarget() != null) {
                targets
                    .get(current.infrastructureTarget())
                    .delete(current.name(), current.version());
              }
            });
    gateway.invalidate("job " + job.name() + " v" + job.version() + " deleted");
    LOG.info("job {} v{} deleted by {}", job.name(), job.version(), caller.username());
    hooks.afterDelete(
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
