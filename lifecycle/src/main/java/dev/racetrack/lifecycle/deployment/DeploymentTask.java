package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobType;
import java.util.Objects;

/**
 * One accepted deployment on its way through the pipeline.
 *
 * @param id the deployment's id
 * @param target name of the infrastructure target
 */
public record DeploymentTask(
    String id,
    Caller caller,
    Manifest manifest,
    DeployRequest request,
    JobType jobType,
    String target) {
  public DeploymentTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(jobType, "jobType");
    Objects.requireNonNull(target, "target");
  }

  public String jobName() {
    return manifest.name();
  }

  public String jobVersion() {
    return manifest.version();
  }
}
