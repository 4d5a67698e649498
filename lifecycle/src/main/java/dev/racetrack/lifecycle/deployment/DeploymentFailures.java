package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.model.error.RacetrackException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Marks a deployment failed with its reason and records the failure in the audit log. */
public final class DeploymentFailures {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPipeline.class);

  private final DeploymentRepository deployments;
  private final Jdbi jdbi;
  private final AuditLog audit;

  public DeploymentFailures(DeploymentRepository deployments, Jdbi jdbi, AuditLog audit) {
    this.deployments = deployments;
    this.jdbi = jdbi;
    this.audit = audit;
  }

  /** Records the failure; never throws. */
  void fail(DeploymentTask task, RuntimeException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof RacetrackException) {
      LOG.warn(
          "deployment {} of {} v{} failed: {}",
          task.id(),
          task.jobName(),
          task.jobVersion(),
          message);
    } else {
      LOG.error(
          "deployment {} of {} v{} failed unexpectedly",
          task.id(),
          task.jobName(),
          task.jobVersion(),
          e);
    }
    try {
      deployments.markFailed(task.id(), message);
      jdbi.useHandle(
          h ->
              audit.record(
                  h,
                  AuditLog.DEPLOYMENT_FAILED,
                  task.caller().username(),
                  Optional.empty(),
                  Optional.of(task.jobName()),
                  Optional.of(task.jobVersion()),
                  Map.of(
                      "deployment_id",
                      task.id(),
                      "kind",
                      task.kind().name().toLowerCase(Locale.ROOT))));
    } catch (RuntimeException secondary) {
      LOG.error("cannot record the failure of deployment {}", task.id(), secondary);
    }
  }
}
