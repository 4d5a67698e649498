package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.model.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Records a started job version: its row ({@code running}), the deployer's permissions on it, its
 * public endpoint requests and the audit event in one transaction, which commits only after the
 * kept source is on disk.
 */
public final class RegisterStep {
  private static final List<AuthScope> DEPLOYER_SCOPES =
      List.of(AuthScope.READ_JOB, AuthScope.CALL_JOB, AuthScope.DEPLOY_JOB, AuthScope.DELETE_JOB);

  private static final DeployedJobRepository ROWS = new DeployedJobRepository();

  private final Jdbi jdbi;
  private final JobRepository jobs;
  private final TrashRepository trash;
  private final PermissionRepository permissions;
  private final AuditLog audit;
  private final BuildContexts contexts;

  public RegisterStep(
      Jdbi jdbi,
      JobRepository jobs,
      TrashRepository trash,
      PermissionRepository permissions,
      AuditLog audit,
      BuildContexts contexts) {
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.trash = trash;
    this.permissions = permissions;
    this.audit = audit;
    this.contexts = contexts;
  }

  /**
   * Registers the started version. A redeployment, reprovisioning or move acts on a version that
   * exists: when it was deleted meanwhile, nothing is registered ({@link
   * JobDeletedMeanwhileException}). The version's lock (the one deployments and deletions of it
   * take) orders this against a concurrent deletion.
   */
  Job register(DeploymentTask task, ProvisionStep.Provisioned provisioned) {
    jdbi.useTransaction(
        h -> {
          JobRepository.lockVersion(h, task.jobName(), task.jobVersion());
          if (task.kind() != DeploymentKind.DEPLOY
              && jobs.find(h, task.jobName(), task.jobVersion()).isEmpty()) {
            throw new JobDeletedMeanwhileException(task);
          }
          String jobId =
              jobs.saveDeployed(
                  h,
                  new JobRepository.Deployed(
                      task.jobName(),
                      task.jobVersion(),
                      task.manifest().toYaml(),
                      provisioned.deployed().internalName(),
                      provisioned.deployed().replicaInternalNames(),
                      provisioned.artifact().tag(),
                      task.caller().username(),
                      task.target(),
                      task.jobType().key(),
                      provisioned.deployed().stats(),
                      provisioned.time()));
          trash.release(h, task.jobName(), task.jobVersion());
          grantDeployer(h, task, jobId);
          registerPublicEndpoints(h, task, jobId);
          audit(h, task, provisioned.previous());
          keepSource(task); // last: a failure here rolls the registration back
        });
    return jobs.find(task.jobName(), task.jobVersion()).orElseThrow();
  }

  /** Stores the uploaded source (or forgets an old one) before the registration commits. */
  private void keepSource(DeploymentTask task) {
    if (task.kind() == DeploymentKind.DEPLOY) {
      task.buildContext()
          .ifPresentOrElse(
              context -> contexts.save(task.jobName(), task.jobVersion(), context),
              () -> contexts.delete(task.jobName(), task.jobVersion()));
    }
  }

  private void audit(Handle h, DeploymentTask task, Optional<Job> previous) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("deployment_id", task.id());
    String type =
        switch (task.kind()) {
          case DEPLOY -> previous.isPresent() ? AuditLog.JOB_REDEPLOYED : AuditLog.JOB_DEPLOYED;
          case REDEPLOY -> AuditLog.JOB_REDEPLOYED;
          case REPROVISION -> {
            properties.put("mode", "reprovision");
            yield AuditLog.JOB_REDEPLOYED;
          }
          case MOVE -> {
            properties.put("from", task.previousTarget().orElse(""));
            properties.put("to", task.target());
            yield AuditLog.JOB_MOVED;
          }
          case BUILD -> throw new IllegalStateException("a build-only deployment registers no job");
        };
    audit.record(
        h,
        type,
        task.caller().username(),
        previous.map(Job::deployedBy),
        Optional.of(task.jobName()),
        Optional.of(task.jobVersion()),
        properties);
  }

  private void grantDeployer(Handle h, DeploymentTask task, String jobId) {
    task.caller()
        .authSubjectId()
        .ifPresent(
            subject ->
                DEPLOYER_SCOPES.forEach(
                    scope ->
                        permissions.grant(
                            h, subject, scope, Optional.empty(), Optional.of(jobId))));
  }

  private static void registerPublicEndpoints(Handle h, DeploymentTask task, String jobId) {
    for (String endpoint : task.manifest().publicEndpoints()) {
      ROWS.requestPublicEndpoint(h, jobId, endpoint);
    }
  }
}
