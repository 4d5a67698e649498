package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.NewerVersions;
import dev.racetrack.model.Job;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ResourcePolicy;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProvision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a built job on its target and waits until it is ready. A first deployment is visible as
 * {@code starting} meanwhile and is rolled back (nothing left behind) when it does not start.
 */
final class ProvisionStep {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionStep.class);

  /** What provisioning produced. */
  record Provisioned(DeployedJob deployed, Instant time, Optional<Job> previous) {}

  private final Jdbi jdbi;
  private final DeployedJobRepository rows = new DeployedJobRepository();
  private final JobRepository jobs;
  private final AuthSubjectRepository subjects;
  private final TokenIssuer issuer;
  private final Targets targets;
  private final DeploymentRepository deployments;
  private final String internalPubUrl;
  private final JobCallSecrets jobSecrets;
  private final Duration readinessTimeout;
  private final ResourcePolicy resources;
  private final Clock clock;
  private final dev.racetrack.lifecycle.plugin.PluginHooks hooks;

  ProvisionStep(DeploymentPipeline.Parts parts, DeploymentPipeline.Settings settings, Clock clock) {
    this.jdbi = parts.jdbi();
    this.jobs = parts.jobs();
    this.subjects = parts.subjects();
    this.issuer = parts.issuer();
    this.targets = parts.targets();
    this.deployments = parts.deployments();
    this.internalPubUrl = settings.internalPubUrl();
    this.jobSecrets = settings.jobSecrets();
    this.readinessTimeout = settings.readinessTimeout();
    this.resources = settings.resources();
    this.clock = clock;
    this.hooks = parts.hooks();
  }

  Provisioned provision(DeploymentTask task, String imageName) {
    deployments.setPhase(task.id(), "creating cluster resources");
    Instant now = clock.instant();
    Optional<Job> previous = jobs.find(task.jobName(), task.jobVersion());
    String familyToken = familyToken(task.jobName());
    if (previous.isEmpty()) {
      insertStarting(task, now);
    }
    InfrastructureTarget target = targets.get(task.target());
    try {
      DeployedJob deployed =
          target.deploy(
              request(task, imageName, now, familyToken),
              phase -> deployments.setPhase(task.id(), phase));
      return new Provisioned(deployed, now, previous);
    } catch (RuntimeException e) {
      if (previous.isEmpty()) {
        rollback(task, target);
      }
      throw e;
    }
  }

  private JobProvision request(
      DeploymentTask task, String imageName, Instant now, String familyToken) {
    long timestamp = now.getEpochSecond();
    // The target applies the effective resources (the platform's defaults fill what the manifest
    // leaves out); the stored manifest keeps what its author wrote.
    Manifest manifest =
        task.manifest().withResources(resources.effective(task.manifest().resources()));
    return new JobProvision(
        manifest,
        imageName,
        timestamp,
        JobEnvironment.withPluginVars(
            hooks.runtimeEnvVars(),
            JobEnvironment.withCallSecret(
                JobEnvironment.reserved(
                    task.manifest(), internalPubUrl, familyToken, timestamp, task.jobType().key()),
                jobSecrets.secret(task.jobName(), task.jobVersion()))),
        JobEnvironment.runtime(task.manifest(), task.secrets().buildEnv()),
        task.secrets().runtimeEnv(),
        readinessTimeout);
  }

  /** The family's token (subject and token created at the family's first deployment). */
  private String familyToken(String family) {
    return jdbi.inTransaction(
        h ->
            issuer.firstOrIssue(
                h,
                subjects.forFamily(h, jobs.familyId(h, family)),
                SubjectType.JOB_FAMILY,
                family));
  }

  private void insertStarting(DeploymentTask task, Instant now) {
    jdbi.useTransaction(
        h ->
            rows.insertStarting(
                h,
                new DeployedJobRepository.Starting(
                    jobs.familyId(h, task.jobName()),
                    task.jobName(),
                    task.jobVersion(),
                    now,
                    task.manifest().toYaml(),
                    task.caller().username(),
                    task.target(),
                    task.jobType().key())));
    jdbi.useTransaction(h -> NewerVersions.refresh(h, Optional.of(task.jobName())));
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
    jdbi.useHandle(h -> rows.deleteStarting(h, task.jobName(), task.jobVersion()));
    jdbi.useTransaction(h -> NewerVersions.refresh(h, Optional.of(task.jobName())));
  }
}
