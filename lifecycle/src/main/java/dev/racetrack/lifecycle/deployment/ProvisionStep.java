package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProvision;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a built job on its target and waits until it is ready. A first deployment is visible as
 * {@code starting} meanwhile and is rolled back (nothing left behind) when it does not start.
 */
public final class ProvisionStep {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionStep.class);

  /**
   * What provisioning hands to registration.
   *
   * @param artifact what was started
   * @param time when it was started
   * @param previous the version's registration before this deployment, if it had one
   */
  record Provisioned(
      DeployedJob deployed, Artifact artifact, Instant time, Optional<Job> previous) {
    Provisioned {
      Objects.requireNonNull(deployed, "deployed");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(previous, "previous");
    }
  }

  private final Targets targets;
  private final DeploymentRepository deployments;
  private final JobRepository jobs;
  private final StartingRows starting;
  private final ProvisionRequests requests;
  private final Clock clock;

  public ProvisionStep(
      Targets targets,
      DeploymentRepository deployments,
      JobRepository jobs,
      StartingRows starting,
      ProvisionRequests requests,
      Clock clock) {
    this.targets = targets;
    this.deployments = deployments;
    this.jobs = jobs;
    this.starting = starting;
    this.requests = requests;
    this.clock = clock;
  }

  /** Stores the task's secrets with its target, then starts the artifact there. */
  Provisioned provision(DeploymentTask task, Artifact artifact) {
    saveSecrets(task); // only once the build succeeded
    deployments.setPhase(task.id(), "creating cluster resources");
    Instant now = clock.instant();
    Optional<Job> previous = jobs.find(task.jobName(), task.jobVersion());
    JobProvision request = requests.of(task, artifact, now);
    if (previous.isEmpty()) {
      starting.insert(task, now);
    }
    InfrastructureTarget target = targets.get(task.target());
    try {
      DeployedJob deployed =
          target.deploy(request, phase -> deployments.setPhase(task.id(), phase));
      return new Provisioned(deployed, artifact, now, previous);
    } catch (RuntimeException e) {
      if (previous.isEmpty()) {
        rollback(task, target);
      }
      throw e;
    }
  }

  /**
   * A deployment stores exactly the secrets it was given (none stays none: a deploy never inherits
   * the stored secrets of whoever deployed the version before); a move carries the stored ones.
   */
  private void saveSecrets(DeploymentTask task) {
    boolean replace = task.kind() == DeploymentKind.DEPLOY;
    boolean carry = task.kind() == DeploymentKind.MOVE && !task.secrets().isEmpty();
    if (replace || carry) {
      targets.get(task.target()).saveSecrets(task.jobName(), task.jobVersion(), task.secrets());
    }
  }

  /**
   * Undoes a first deployment whose registration failed after it started: the job leaves its target
   * and its {@code starting} row goes. A version that existed before is left alone.
   */
  void rollbackFirst(DeploymentTask task, Provisioned provisioned) {
    if (provisioned.previous().isEmpty()) {
      rollback(task, targets.get(task.target()));
    }
  }

  /** Removes what this deployment started on its target, whatever existed before. */
  void rollbackStarted(DeploymentTask task) {
    rollback(task, targets.get(task.target()));
  }

  private void rollback(DeploymentTask task, InfrastructureTarget target) {
    try {
      target.delete(task.jobName(), task.jobVersion());
    } catch (RuntimeException e) {
      LOG.warn(
          "rollback: cannot remove {} v{} from {}: {}",
          task.jobName(),
          task.jobVersion(),
          target.name(),
          e.toString());
    }
    starting.delete(task);
  }
}
