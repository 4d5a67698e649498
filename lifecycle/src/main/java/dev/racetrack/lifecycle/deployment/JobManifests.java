package dev.racetrack.lifecycle.deployment;

import dev.racetrack.model.Job;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestFiles;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.Plugins;
import java.util.Map;
import java.util.Objects;

/**
 * Where a manifest becomes typed in the lifecycle: a submitted one (the deploy request's map), an
 * edited one (YAML) and a stored one (the job's YAML) are validated here, once, and go on as a
 * {@link Manifest} with its {@link JobType}; nothing downstream parses or validates it again.
 */
public final class JobManifests {

  /** A validated manifest with the job type that accepted it. */
  public record Typed(Manifest manifest, JobType jobType) {
    public Typed {
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(jobType, "jobType");
    }
  }

  private final ManifestValidator validator;
  private final Plugins plugins;

  public JobManifests(ManifestValidator validator, Plugins plugins) {
    this.validator = validator;
    this.plugins = plugins;
  }

  /** The manifest of a deploy or build request. */
  Typed submitted(Map<String, ?> raw) {
    return typed(validator.validate(raw, "manifest").manifest());
  }

  /** An edited manifest; its job type is checked separately ({@link #jobType}). */
  Manifest edited(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      throw new ValidationException("manifest_yaml is required");
    }
    return validator
        .validate(ManifestFiles.parseYaml(yaml, "manifest_yaml"), "manifest_yaml")
        .manifest();
  }

  /** The stored manifest of a job, for a redeploy, reprovision or move. */
  Typed stored(Job job) {
    return typed(storedManifest(job));
  }

  /** The stored manifest of a job, without its job type. */
  Manifest storedManifest(Job job) {
    if (job.manifestYaml() == null) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " has no stored manifest");
    }
    return validator
        .validate(
            ManifestFiles.parseYaml(job.manifestYaml(), "stored manifest"),
            "stored manifest of " + job.name())
        .manifest();
  }

  /** The job type of a manifest, which has checked it. */
  JobType jobType(Manifest manifest) {
    JobType jobType = plugins.jobType(manifest.jobtype());
    jobType.validate(manifest);
    return jobType;
  }

  private Typed typed(Manifest manifest) {
    return new Typed(manifest, jobType(manifest));
  }
}
