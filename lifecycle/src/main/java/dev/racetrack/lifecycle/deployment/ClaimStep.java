package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Checks a deployment when it starts and, once its artifact is built, claims its family: the
 * maintenance mode and the permissions are checked again (they may have changed during a long
 * build) and a new family is created with its first deployer as owner.
 */
public final class ClaimStep {
  private static final List<AuthScope> FAMILY_OWNER_SCOPES =
      List.of(AuthScope.READ_JOB, AuthScope.CALL_JOB, AuthScope.DEPLOY_JOB, AuthScope.DELETE_JOB);

  private final DeploymentChecks checks;
  private final Maintenance maintenance;
  private final Jdbi jdbi;
  private final JobRepository jobs;
  private final PermissionRepository permissions;

  public ClaimStep(
      DeploymentChecks checks,
      Maintenance maintenance,
      Jdbi jdbi,
      JobRepository jobs,
      PermissionRepository permissions) {
    this.checks = checks;
    this.maintenance = maintenance;
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.permissions = permissions;
  }

  /** The checks before anything is built: overwrite (of a new deployment) and permission. */
  void check(DeploymentTask task) {
    if (task.kind() == DeploymentKind.DEPLOY) {
      checks.checkOverwrite(task);
    }
    checks.checkPermission(task);
  }

  /** The checks again once the artifact is there, and the family's creation when it is new. */
  void claim(DeploymentTask task) {
    maintenance.ensureOff();
    if (checks.checkPermission(task)) {
      claimFamily(task);
    }
  }

  /**
   * Creates a new family and makes its first deployer its owner (§4.8): read, call, deploy and
   * delete on the family. Whoever loses a race to create it needs {@code deploy_job} on it.
   */
  private void claimFamily(DeploymentTask task) {
    boolean created =
        jdbi.inTransaction(
            h -> {
              Optional<String> family = jobs.createFamily(h, task.jobName());
              family.ifPresent(
                  id ->
                      task.caller()
                          .authSubjectId()
                          .ifPresent(
                              subject ->
                                  FAMILY_OWNER_SCOPES.forEach(
                                      scope ->
                                          permissions.grant(
                                              h,
                                              subject,
                                              scope,
                                              Optional.of(id),
                                              Optional.empty()))));
              return family.isPresent();
            });
    if (!created) {
      checks.checkPermission(task);
    }
  }
}
