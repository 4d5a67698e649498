package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobAccess;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.JobSecrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Deployments of an existing job from what the platform kept of it (its stored manifest, kept
 * source or git, stored secrets, last artifact): redeploy, reprovision and move.
 */
public final class Redeployments {
  private final JobAccess access;
  private final JobManifests manifests;
  private final Targets targets;
  private final BuildContexts contexts;
  private final DeploymentRepository deployments;
  private final DeploymentStarter starter;

  public Redeployments(
      JobAccess access,
      JobManifests manifests,
      Targets targets,
      BuildContexts contexts,
      DeploymentRepository deployments,
      DeploymentStarter starter) {
    this.access = access;
    this.manifests = manifests;
    this.targets = targets;
    this.contexts = contexts;
    this.deployments = deployments;
    this.starter = starter;
  }

  /** Rebuilds a job from its stored manifest, kept source (or git) and stored secrets. */
  public String redeploy(Caller caller, String name, String version) {
    starter.ensureRoom(caller);
    Job job = prepare(access, caller, name, version);
    return starter.start(
        task(
            DeploymentKind.REDEPLOY,
            caller,
            job,
            job.infrastructureTarget(),
            () -> contexts.load(job.name(), job.version()),
            Optional::empty));
  }

  /** Starts a job's built artifact again (a new environment, e.g. a rotated family token). */
  public String reprovision(Caller caller, String name, String version) {
    starter.ensureRoom(caller);
    Job job = prepare(access, caller, name, version);
    return starter.start(
        task(
            DeploymentKind.REPROVISION,
            caller,
            job,
            job.infrastructureTarget(),
            Optional::empty,
            () -> Optional.of(lastImage(job))));
  }

  /** Starts a job on another infrastructure target and removes it from its current one. */
  public String move(Caller caller, String name, String version, String newTarget) {
    starter.ensureRoom(caller);
    Job job = prepare(access, caller, name, version);
    if (newTarget == null || newTarget.isBlank()) {
      throw new ValidationException("infrastructure_target is required");
    }
    String target = targets.get(newTarget).name();
    if (target.equals(job.infrastructureTarget())) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " already runs on " + target);
    }
    return starter.start(
        task(
            DeploymentKind.MOVE,
            caller,
            job,
            target,
            () -> contexts.load(job.name(), job.version()),
            () -> Optional.of(lastImage(job))));
  }

  /**
   * A deployment of a job that exists, from its stored manifest (validated again: the row is an
   * entrance of its own) and stored secrets, forced over the version it replaces. The manifest is
   * checked first: nothing (such as a copy of the stored context) is made for a task refused.
   */
  private DeploymentTask task(
      DeploymentKind kind,
      Caller caller,
      Job job,
      String target,
      Supplier<Optional<Path>> context,
      Supplier<Optional<String>> image) {
    JobManifests.Typed typed = manifests.stored(job);
    Optional<String> built = image.get();
    return new DeploymentTask(
        "pending",
        kind,
        caller,
        typed.manifest(),
        typed.jobType(),
        target,
        context.get(),
        secrets(job, job.infrastructureTarget()),
        built,
        kind == DeploymentKind.MOVE
            ? Optional.ofNullable(job.infrastructureTarget())
            : Optional.empty(),
        true,
        List.of());
  }

  /** A job the caller may deploy, which runs somewhere. */
  static Job prepare(JobAccess access, Caller caller, String name, String version) {
    Job job = access.forChange(caller, name, version, AuthScope.DEPLOY_JOB);
    if (job.infrastructureTarget() == null) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " has no infrastructure target yet");
    }
    return job;
  }

  private JobSecrets secrets(Job job, String target) {
    return targets.get(target).secrets(job.name(), job.version()).orElse(JobSecrets.none());
  }

  private String lastImage(Job job) {
    return deployments
        .lastImage(job.name(), job.version())
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no built artifact of job "
                        + job.name()
                        + " v"
                        + job.version()
                        + " is known; redeploy it instead"));
  }
}
