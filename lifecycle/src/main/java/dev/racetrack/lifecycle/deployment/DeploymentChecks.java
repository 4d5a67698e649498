package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.AlreadyExistsException;

/**
 * The checks a deployment passes when it is accepted and again when it runs: no overwrite of a
 * deployed or deleted version unless forced, and the caller's permission to deploy.
 */
public final class DeploymentChecks {
  private final JobRepository jobs;
  private final TrashRepository trash;
  private final Authorizer authorizer;
  private final boolean allowOverwrite;

  public DeploymentChecks(
      JobRepository jobs, TrashRepository trash, Authorizer authorizer, boolean allowOverwrite) {
    this.jobs = jobs;
    this.trash = trash;
    this.authorizer = authorizer;
    this.allowOverwrite = allowOverwrite;
  }

  /** Refuses to overwrite a deployed or deleted version unless forced (also checked on accept). */
  void checkOverwrite(DeploymentTask task) {
    if (task.force() || allowOverwrite) {
      return;
    }
    if (jobs.find(task.jobName(), task.jobVersion()).isPresent()) {
      throw new AlreadyExistsException(
          "job "
              + task.jobName()
              + " v"
              + task.jobVersion()
              + " is already deployed. Try deploying next version or use --force flag");
    }
    if (trash.contains(task.jobName(), task.jobVersion())) {
      throw new AlreadyExistsException(
          "job "
              + task.jobName()
              + " v"
              + task.jobVersion()
              + " has already been deployed and deleted. Can't claim it again, deploy a new version or use --force flag");
    }
  }

  /**
   * A new family needs {@code deploy_new_family}; an existing one {@code deploy_job} on the job.
   *
   * @return true when the family does not exist yet
   */
  boolean checkPermission(DeploymentTask task) {
    if (jobs.familyExists(task.jobName())) {
      String version = jobs.find(task.jobName(), task.jobVersion()).map(Job::version).orElse("");
      authorizer.requireJobScope(task.caller(), AuthScope.DEPLOY_JOB, task.jobName(), version);
      return false;
    }
    authorizer.requireScope(task.caller(), AuthScope.DEPLOY_NEW_FAMILY);
    return true;
  }
}
