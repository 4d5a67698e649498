package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobAccess;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobSecrets;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Edits of a job's stored manifest (its name and version cannot change); the next redeploy uses it.
 * A new git remote drops the stored git credentials, which were given for the old one.
 */
public final class ManifestEdits {
  private static final DeployedJobRepository ROWS = new DeployedJobRepository();

  private final JobAccess access;
  private final JobManifests manifests;
  private final Targets targets;
  private final Jdbi jdbi;
  private final AuditLog audit;
  private final Jobs jobs;

  public ManifestEdits(
      JobAccess access,
      JobManifests manifests,
      Targets targets,
      Jdbi jdbi,
      AuditLog audit,
      Jobs jobs) {
    this.access = access;
    this.manifests = manifests;
    this.targets = targets;
    this.jdbi = jdbi;
    this.audit = audit;
    this.jobs = jobs;
  }

  /** Validates and stores an edited manifest of a job; returns the job as it is now. */
  public Job updateManifest(Caller caller, String name, String version, String manifestYaml) {
    Job job = Redeployments.prepare(access, caller, name, version);
    Manifest manifest = manifests.edited(manifestYaml);
    if (!manifest.name().equals(job.name()) || !manifest.version().equals(job.version())) {
      throw new ValidationException(
          "the manifest's name and version cannot change ("
              + job.name()
              + " v"
              + job.version()
              + ", got "
              + manifest.name()
              + " v"
              + manifest.version()
              + ")");
    }
    manifests.jobType(manifest);
    if (!manifest.git().remote().equals(storedRemote(job))) {
      dropGitCredentials(job);
    }
    jdbi.useTransaction(
        h -> {
          ROWS.updateManifest(h, job.id(), manifest.toYaml());
          audit.record(
              h,
              "job_manifest_updated",
              caller.username(),
              Optional.ofNullable(job.deployedBy()),
              Optional.of(job.name()),
              Optional.of(job.version()),
              Map.of());
        });
    return jobs.get(job.name(), job.version());
  }

  /** The git remote of the stored manifest; "" when there is no readable one. */
  private String storedRemote(Job job) {
    try {
      return manifests.storedManifest(job).git().remote();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Git credentials were given for one repository: a new remote must not receive them. */
  private void dropGitCredentials(Job job) {
    var target = targets.get(job.infrastructureTarget());
    target
        .secrets(job.name(), job.version())
        .filter(stored -> stored.gitCredentials().isPresent())
        .ifPresent(
            stored ->
                target.saveSecrets(
                    job.name(),
                    job.version(),
                    new JobSecrets(Optional.empty(), stored.buildEnv(), stored.runtimeEnv())));
  }
}
