package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.Job;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.manifest.ResourcePolicy;
import dev.racetrack.spi.JobChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an accepted deployment in the background (§3.4): checks, secrets, build (unless the artifact
 * exists already), start with readiness wait, registration and audit; a move also removes the job
 * from its old target. Every failure marks the deployment failed with its reason and leaves no
 * half-deployed first version behind.
 */
public final class DeploymentPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPipeline.class);
  private static final List<AuthScope> FAMILY_OWNER_SCOPES =
      List.of(AuthScope.READ_JOB, AuthScope.CALL_JOB, AuthScope.DEPLOY_JOB, AuthScope.DELETE_JOB);

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
      GatewayNotifier gateway,
      Maintenance maintenance,
      BuildContexts contexts,
      PluginHooks hooks) {}

  /**
   * Settings that shape a deployment.
   *
   * @param jobSecrets the per-job secrets given to jobs, which PUB presents on every call
   */
  public record Settings(
      String internalPubUrl,
      JobCallSecrets jobSecrets,
      Duration readinessTimeout,
      boolean allowOverwrite,
      ResourcePolicy resources) {}

  private final Parts p;
  private final Settings settings;
  private final BuildStep build;
  private final ProvisionStep provision;
  private final RegisterStep register;
  private final Counter done;
  private final Counter deployed;

  public DeploymentPipeline(Parts parts, Settings settings, Clock clock, MeterRegistry metrics) {
    this.p = parts;
    this.settings = settings;
    this.build = new BuildStep(parts.imageBuilder(), parts.deployments(), clock, parts.targets());
    this.provision = new ProvisionStep(parts, settings, clock);
    this.register =
        new RegisterStep(
            parts.jdbi(),
            parts.jobs(),
            parts.trash(),
            parts.permissions(),
            parts.audit(),
            parts.contexts());
    this.done = Counter.builder("done_job_deployments").register(metrics);
    this.deployed = Counter.builder("deployed_job").register(metrics);
  }

  /** Runs the deployment to its end; never throws. */
  public void run(DeploymentTask task) {
    try {
      if (task.kind() == DeploymentKind.DEPLOY) {
        checkOverwrite(task);
      }
      checkPermission(task);
      if (task.kind() == DeploymentKind.BUILD) {
        build.build(task, BuildRequest.Output.IMAGE);
        p.deployments().markDone(task.id());
        return;
      }
      p.hooks().validateManifest(task.manifest(), task.jobType().key());
      // a move between a process target and an image target needs the other kind of artifact
      Optional<String> reusable = task.image().filter(i -> p.targets().fits(task.target(), i));
      String image = reusable.isPresent() ? reusable.get() : build.build(task);
      if (reusable.isPresent()) {
        p.deployments().setImage(task.id(), image);
      }
      p.maintenance().ensureOff();
      // permissions may have changed during a long build
      if (checkPermission(task)) {
        claimFamily(task);
      }
      saveSecrets(task); // only once the build succeeded
      Job job = register(task, provision.provision(task, image), image);
      if (task.kind() == DeploymentKind.MOVE) {
        leavePreviousTarget(task);
      }
      p.deployments().setPhase(task.id(), "post-deploy hooks");
      for (String error : p.hooks().afterDeploy(change(task, job, image))) {
        p.deployments().addWarning(task.id(), error);
      }
      p.gateway()
          .invalidate(
              "job "
                  + task.jobName()
                  + " v"
                  + task.jobVersion()
                  + " "
                  + task.kind().name().toLowerCase(Locale.ROOT));
      p.deployments().markDone(task.id());
      deployed.increment();
      LOG.info(
          "{} of job {} v{} done (deployment {})",
          task.kind(),
          job.name(),
          job.version(),
          task.id());
    } catch (RuntimeException e) {
      fail(task, e);
    } finally {
      discardContext(task);
      done.increment();
    }
  }

  /** The task's context file is temporary (an upload or a copy of a kept context). */
  private static void discardContext(DeploymentTask task) {
    task.buildContext()
        .ifPresent(
            file -> {
              try {
                Files.deleteIfExists(file);
              } catch (IOException e) {
                LOG.warn("cannot delete the temporary build context {}: {}", file, e.toString());
              }
            });
  }

  private Job register(DeploymentTask task, ProvisionStep.Provisioned provisioned, String image) {
    try {
      return register.register(task, provisioned, image);
    } catch (RuntimeException e) {
      provision.rollbackFirst(task, provisioned); // no first version left half-registered
      throw e;
    }
  }

  /** Refuses to overwrite a deployed or deleted version unless forced (also checked on accept). */
  void checkOverwrite(DeploymentTask task) {
    if (task.force() || settings.allowOverwrite()) {
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
   *
   * @return true when the family does not exist yet
   */
  boolean checkPermission(DeploymentTask task) {
    if (p.jobs().familyExists(task.jobName())) {
      String version =
          p.jobs().find(task.jobName(), task.jobVersion()).map(Job::version).orElse("");
      p.authorizer().requireJobScope(task.caller(), AuthScope.DEPLOY_JOB, task.jobName(), version);
      return false;
    }
    p.authorizer().requireScope(task.caller(), AuthScope.DEPLOY_NEW_FAMILY);
    return true;
  }

  /**
   * Creates a new family and makes its first deployer its owner (§4.8): read, call, deploy and
   * delete on the family. Whoever loses a race to create it needs {@code deploy_job} on it.
   */
  private void claimFamily(DeploymentTask task) {
    boolean created =
        p.jdbi()
            .inTransaction(
                h -> {
                  Optional<String> family = p.jobs().createFamily(h, task.jobName());
                  family.ifPresent(
                      id ->
                          task.caller()
                              .authSubjectId()
                              .ifPresent(
                                  subject ->
                                      FAMILY_OWNER_SCOPES.forEach(
                                          scope ->
                                              p.permissions()
                                                  .grant(
                                                      h,
                                                      subject,
                                                      scope,
                                                      Optional.of(id),
                                                      Optional.empty()))));
                  return family.isPresent();
                });
    if (!created) {
      checkPermission(task);
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
      p.targets().get(task.target()).saveSecrets(task.jobName(), task.jobVersion(), task.secrets());
    }
  }

  private void leavePreviousTarget(DeploymentTask task) {
    String previous = task.previousTarget().orElseThrow();
    p.deployments().setPhase(task.id(), "deleting job from a former infrastructure");
    try {
      p.targets().get(previous).delete(task.jobName(), task.jobVersion());
    } catch (RuntimeException e) {
      p.deployments()
          .addWarning(
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
    for (String error : p.hooks().afterDelete(left)) {
      p.deployments().addWarning(task.id(), error);
    }
  }

  private static JobChange change(DeploymentTask task, Job job, String image) {
    return new JobChange(
        job.name(),
        job.version(),
        task.caller().username(),
        Optional.of(task.target()),
        Optional.of(image),
        Optional.of(task.jobType().key()));
  }

  private void fail(DeploymentTask task, RuntimeException e) {
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
