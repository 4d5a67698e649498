package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.database.TimeIdCursor;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import java.util.List;
import java.util.Optional;

/** Deployments as their callers may see them: one (with its job once done), its log, the latest. */
public final class DeploymentViews {
  private final DeploymentRepository deployments;
  private final JobRepository jobRepository;
  private final Jobs jobs;
  private final Authorizer authorizer;

  public DeploymentViews(
      DeploymentRepository deployments,
      JobRepository jobRepository,
      Jobs jobs,
      Authorizer authorizer) {
    this.deployments = deployments;
    this.jobRepository = jobRepository;
    this.jobs = jobs;
    this.authorizer = authorizer;
  }

  /** A deployment the caller may see (its own, or of a job it may read), with its job once done. */
  public Deployment get(Caller caller, String id) {
    Deployment d =
        deployments
            .find(id)
            .filter(found -> visible(caller, found))
            .orElseThrow(() -> new NotFoundException("deployment " + id + " not found"));
    if (d.status() != DeploymentStatus.DONE) {
      return d;
    }
    Job job = jobRepository.find(d.jobName(), d.jobVersion()).orElse(null);
    return new Deployment(
        d.id(),
        d.status(),
        d.createTime(),
        d.updateTime(),
        d.error(),
        job,
        d.deployedBy(),
        d.phase(),
        d.imageName(),
        d.infrastructureTarget(),
        d.manifestYaml(),
        d.jobName(),
        d.jobVersion(),
        d.warnings());
  }

  /** The stored build log of a deployment the caller may see; empty before its build ends. */
  public String buildLogs(Caller caller, String id) {
    get(caller, id);
    return deployments.buildLogs(id).orElse("");
  }

  /** The latest deployments the caller may see. */
  public DeploymentRepository.Page list(Caller caller, int limit, Optional<TimeIdCursor> after) {
    int bounded = Math.max(1, Math.min(limit, 1000));
    if (authorizer.readsEverything(caller)) {
      return deployments.page(bounded, after);
    }
    if (caller.authSubjectId().isEmpty()) {
      return new DeploymentRepository.Page(List.of(), Optional.empty());
    }
    return deployments.pageVisible(caller.authSubjectId().get(), caller.username(), bounded, after);
  }

  private boolean visible(Caller caller, Deployment d) {
    if (caller.username().equals(d.deployedBy()) || authorizer.readsEverything(caller)) {
      return true;
    }
    String version = jobs.resolveVersionOrEmpty(d.jobName(), d.jobVersion());
    return authorizer.hasJobScope(
        caller, AuthScope.READ_JOB, d.jobName(), version, Optional.empty());
  }
}
