package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.audit.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.gateway.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Job;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an accepted deployment in the background (§3.4): overwrite and permission checks, secrets,
 * build, provisioning with readiness wait, registration, audit. Every failure marks the deployment
 * failed with its reason and leaves no half-deployed first version behind.
 */
public final class DeploymentPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPipeline.class);
  private static final DateTimeFormatter TAG =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss").withZone(ZoneOffset.UTC);

  /** The collaborators the pipeline needs. */
  public record Parts(
      Jdbi jdbi,
      DeploymentRepository deployments,
      JobRepository jobs,
      TrashRepository trash,
      AuthSubjectRepository subjects,
      PermissionRepository permissions,
      TokenIssuer issuer,
      Authorizer authorizer,
      AuditLog audit,
      Targets targets,
      ImageBuilderClient imageBuilder,
      GatewayNotifier gateway) {}

  /** Settings that shape a deployment. */
  public record Settings(
      String internalPubUrl, Duration readinessTimeout, boolean allowOverwrite) {}

  private final Parts p;
  private final Settings settings;
  private final Clock clock;
  private final Counter done;
  private final Counter deployed;

  public DeploymentPipeline(Parts parts, Settings settings, Clock clock, MeterRegistry metrics) {
    this.p = parts;
    this.settings = settings;
    this.clock = clock;
    this.done = Counter.builder("done_job_deployments").register(metrics);
    this.deployed = Counter.builder("deployed_job").register(metrics);
  }

  /** Runs the deployment to its end; never throws. */
  public void run(DeploymentTask task) {
    try {
      checkOverwrite(task);
      checkPermission(task);
      saveSecrets(task);
      BuildResult build = build(task);
      Job job = provision(task, build.imageName());
      p.deployments().markDone(task.id());
      deployed.increment();
      LOG.info("deployed job {} v{} (deployment {})", job.name(), job.version(), task.id());
    } catch (RuntimeException e) {
      fail(task, e);
    } finally {
      done.increment();
    }
  }

  /** Refuses to overwrite a deployed or deleted version unless forced (also checked on accept). */
  void checkOverwrite(DeploymentTask task) {
    if (task.request().isForced() || settings.allowOverwrite()) {
      return;
    }
    if (p.jobs().find(task.jobName(), task.jobVersion()).isPresent()) {
      throw new AlreadyExistsException(
          "job "
              + task.jobName()
              + " v"
              + task.jobVersion()
              + " is already deployed. Try deploying next version or use --force flag");
    }
    if (p.trash().contains(task.jobName(), task.jobVersion())) {
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
   */
  void checkPermission(DeploymentTask task) {
    if (p.jobs().familyExists(task.jobName())) {
      String version =
          p.jobs().find(task.jobName(), task.jobVersion()).map(Job::version).orElse("");
      p.authorizer().requireJobScope(task.caller(), AuthScope.DEPLOY_JOB, task.jobName(), version);
    } else {
      p.authorizer().requireScope(task.caller(), AuthScope.DEPLOY_NEW_FAMILY);
    }
  }

  private void saveSecrets(DeploymentTask task) {
    DeployRequest request = task.request();
    DeployRequest.SecretVars vars =
        Optional.ofNullable(request.secretVars())
            .orElse(new DeployRequest.SecretVars(Map.of(), Map.of()));
    JobSecrets secrets =
        new JobSecrets(
            Optional.ofNullable(request.gitCredentials()), vars.buildEnv(), vars.runtimeEnv());
    if (!secrets.isEmpty()) {
      p.targets().get(task.target()).saveSecrets(task.jobName(), task.jobVersion(), secrets);
    }
  }

  private BuildResult build(DeploymentTask task) {
    phase(task, "building image");
    DeployRequest request = task.request();
    BuildRequest buildRequest =
        new BuildRequest(
            task.id(),
            task.manifest().toMap(),
            request.buildContext(),
            request.gitCredentials(),
            request.secretVars() == null ? Map.of() : request.secretVars().buildEnv(),
            TAG.format(clock.instant()),
            request.buildFlags());
    BuildResult result =
        p.imageBuilder()
            .build(
                buildRequest,
                new ImageBuilderClient.Listener() {
                  @Override
                  public void phase(String phase) {
                    DeploymentPipeline.this.phase(task, phase);
                  }

                  @Override
                  public void warning(String warning) {
                    p.deployments().addWarning(task.id(), warning);
                  }

                  @Override
                  public void alive() {
                    p.deployments().touch(task.id());
                  }
                });
    p.deployments().saveBuild(task.id(), result.logs(), Optional.ofNullable(result.imageName()));
    result.warnings().forEach(w -> p.deployments().addWarning(task.id(), w));
    if (result.failed() || result.imageName() == null) {
      throw new RacetrackException(
          "building image failed: "
              + (result.error() == null ? "no image produced" : result.error()));
    }
    return result;
  }

  private Job provision(DeploymentTask task, String imageName) {
    phase(task, "creating cluster resources");
    checkPermission(task); // permissions may have changed during a long build
    Instant now = clock.instant();
    Optional<Job> previous = p.jobs().find(task.jobName(), task.jobVersion());
    String familyToken = familyToken(task.jobName());
    if (previous.isEmpty()) {
      insertStarting(task, now);
    }
    InfrastructureTarget target = p.targets().get(task.target());
    DeployedJob deployedJob;
    try {
      deployedJob =
          target.deploy(
              provisionRequest(task, imageName, now, familyToken), phase -> phase(task, phase));
    } catch (RuntimeException e) {
      if (previous.isEmpty()) {
        rollbackFirstDeployment(task, target);
      }
      throw e;
    }
    phase(task, "post-deploy hooks");
    Job job = register(task, deployedJob, imageName, now, previous);
    p.gateway().invalidate("job " + task.jobName() + " v" + task.jobVersion() + " deployed");
    return job;
  }

  private JobProvision provisionRequest(
      DeploymentTask task, String imageName, Instant now, String familyToken) {
    DeployRequest.SecretVars vars = task.request().secretVars();
    Map<String, String> secretBuild = vars == null ? Map.of() : vars.buildEnv();
    Map<String, String> secretRuntime = vars == null ? Map.of() : vars.runtimeEnv();
    long timestamp = now.getEpochSecond();
    return new JobProvision(
        task.manifest(),
        imageName,
        timestamp,
        JobEnvironment.reserved(
            task.manifest(),
            settings.internalPubUrl(),
            familyToken,
            timestamp,
            task.jobType().key()),
        JobEnvironment.runtime(task.manifest(), secretBuild),
        secretRuntime,
        settings.readinessTimeout());
  }

  private String familyToken(String family) {
    return p.jdbi()
        .inTransaction(
            h -> {
              String familyId = p.jobs().familyId(h, family);
              String subject = p.subjects().forFamily(h, familyId);
              return p.issuer().firstOrIssue(h, subject, SubjectType.JOB_FAMILY, family);
            });
  }

  private void insertStarting(DeploymentTask task, Instant now) {
    p.jdbi()
        .useTransaction(
            h -> {
              String familyId = p.jobs().familyId(h, task.jobName());
              h.createUpdate(
                      """
                      INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time, manifest,
                        deployed_by, infrastructure_target, job_type_version)
                      VALUES (gen_random_uuid()::text, :family, :name, :version, 'starting', :now, :now, :manifest, :by,
                        :target, :jobtype)
                      ON CONFLICT (name, version) DO NOTHING
                      """)
                  .bind("family", familyId)
                  .bind("name", task.jobName())
                  .bind("version", task.jobVersion())
                  .bind("now", Timestamp.from(now))
                  .bind("manifest", task.manifest().toYaml())
                  .bind("by", task.caller().username())
                  .bind("target", task.target())
                  .bind("jobtype", task.jobType().key())
                  .execute();
              p.trash().release(h, task.jobName(), task.jobVersion());
            });
  }

  private void rollbackFirstDeployment(DeploymentTask task, InfrastructureTarget target) {
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
    p.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM registry_job WHERE name = :name AND version = :version AND status = 'starting'")
                    .bind("name", task.jobName())
                    .bind("version", task.jobVersion())
                    .execute());
  }

  private Job register(
      DeploymentTask task,
      DeployedJob deployedJob,
      String imageName,
      Instant now,
      Optional<Job> previous) {
    p.jdbi()
        .useTransaction(
            h -> {
              String jobId =
                  p.jobs()
                      .saveDeployed(
                          h,
                          new JobRepository.Deployed(
                              task.jobName(),
                              task.jobVersion(),
                              task.manifest().toYaml(),
                              deployedJob.internalName(),
                              deployedJob.replicaInternalNames(),
                              imageTag(imageName),
                              task.caller().username(),
                              task.target(),
                              task.jobType().key(),
                              deployedJob.stats(),
                              now));
              p.trash().release(h, task.jobName(), task.jobVersion());
              grantDeployer(h, task, jobId);
              registerPublicEndpoints(h, task, jobId);
              p.audit()
                  .record(
                      h,
                      previous.isPresent() ? AuditLog.JOB_REDEPLOYED : AuditLog.JOB_DEPLOYED,
                      task.caller().username(),
                      previous.map(Job::deployedBy),
                      Optional.of(task.jobName()),
                      Optional.of(task.jobVersion()),
                      Map.of());
            });
    return p.jobs().find(task.jobName(), task.jobVersion()).orElseThrow();
  }

  private void grantDeployer(Handle h, DeploymentTask task, String jobId) {
    if (task.caller().authSubjectId().isEmpty()) {
      return; // internal callers have no subject to grant to
    }
    String subject = task.caller().authSubjectId().get();
    for (AuthScope scope :
        new AuthScope[] {
          AuthScope.READ_JOB, AuthScope.CALL_JOB, AuthScope.DEPLOY_JOB, AuthScope.DELETE_JOB
        }) {
      p.permissions().grant(h, subject, scope, Optional.empty(), Optional.of(jobId));
    }
  }

  private static void registerPublicEndpoints(Handle h, DeploymentTask task, String jobId) {
    for (String endpoint : task.manifest().publicEndpoints()) {
      h.createUpdate(
              """
              INSERT INTO registry_publicendpointrequest (id, job_id, endpoint, active)
              VALUES (gen_random_uuid()::text, :job, :endpoint, FALSE) ON CONFLICT (job_id, endpoint) DO NOTHING
              """)
          .bind("job", jobId)
          .bind("endpoint", endpoint)
          .execute();
    }
  }

  private static String imageTag(String imageName) {
    int colon = imageName.lastIndexOf(':');
    int slash = imageName.lastIndexOf('/');
    return colon > slash ? imageName.substring(colon + 1) : imageName.substring(slash + 1);
  }

  private void phase(DeploymentTask task, String phase) {
    p.deployments().setPhase(task.id(), phase);
  }

  private void fail(DeploymentTask task, RuntimeException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (!(e instanceof RacetrackException)) {
      LOG.error(
          "deployment {} of {} v{} failed unexpectedly",
          task.id(),
          task.jobName(),
          task.jobVersion(),
          e);
    } else {
      LOG.warn(
          "deployment {} of {} v{} failed: {}",
          task.id(),
          task.jobName(),
          task.jobVersion(),
          message);
    }
    try {
      p.deployments().markFailed(task.id(), message);
      p.jdbi()
          .useHandle(
              h ->
                  p.audit()
                      .record(
                          h,
                          AuditLog.DEPLOYMENT_FAILED,
                          task.caller().username(),
                          Optional.empty(),
                          Optional.of(task.jobName()),
                          Optional.of(task.jobVersion()),
                          Map.of("deployment_id", task.id())));
    } catch (RuntimeException secondary) {
      LOG.error("cannot record the failure of deployment {}", task.id(), secondary);
    }
  }
}
