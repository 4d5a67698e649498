package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.Job;
import dev.racetrack.spi.JobChange;
import java.util.Locale;
import java.util.Optional;

/**
 * Ends a registered deployment: a moved job leaves its former target, the plugins' post-deploy
 * hooks run (their errors become warnings), the gateway forgets what it cached, and the deployment
 * is marked done.
 */
public final class PublishStep {
  private final DeploymentRepository deployments;
  private final Targets targets;
  private final PluginHooks hooks;
  private final GatewayNotifier gateway;

  public PublishStep(
      DeploymentRepository deployments,
      Targets targets,
      PluginHooks hooks,
      GatewayNotifier gateway) {
    this.deployments = deployments;
    this.targets = targets;
    this.hooks = hooks;
    this.gateway = gateway;
  }

  void publish(DeploymentTask task, Job job, Artifact artifact) {
    if (task.kind() == DeploymentKind.MOVE) {
      leavePreviousTarget(task);
    }
    deployments.setPhase(task.id(), "post-deploy hooks");
    for (String error : hooks.afterDeploy(change(task, job, artifact))) {
      deployments.addWarning(task.id(), error);
    }
    gateway.invalidate(
        "job "
            + task.jobName()
            + " v"
            + task.jobVersion()
            + " "
            + task.kind().name().toLowerCase(Locale.ROOT));
    deployments.markDone(task.id());
  }

  /** Ends a build-only deployment, whose image nothing deploys. */
  void built(DeploymentTask task) {
    deployments.markDone(task.id());
  }

  private void leavePreviousTarget(DeploymentTask task) {
    String previous = task.previousTarget().orElseThrow();
    deployments.setPhase(task.id(), "deleting job from a former infrastructure");
    try {
      targets.get(previous).delete(task.jobName(), task.jobVersion());
    } catch (RuntimeException e) {
      deployments.addWarning(
          task.id(), "the job could not be removed from " + previous + ": " + e.getMessage());
      return;
    }
    JobChange left =
        new JobChange(
            task.jobName(),
            task.jobVersion(),
            task.caller().username(),
            Optional.of(previous),
            Optional.empty(),
            Optional.of(task.jobType().key()));
    for (String error : hooks.afterDelete(left)) {
      deployments.addWarning(task.id(), error);
    }
  }

  private static JobChange change(DeploymentTask task, Job job, Artifact artifact) {
    return new JobChange(
        job.name(),
        job.version(),
        task.caller().username(),
        Optional.of(task.target()),
        Optional.of(artifact.name()),
        Optional.of(task.jobType().key()));
  }
}
