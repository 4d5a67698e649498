package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobType;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One accepted deployment on its way through the pipeline.
 *
 * @param target name of the infrastructure target to run on
 * @param buildContext a temporary file holding the .tar.gz of the source, when not building from
 *     git; the pipeline deletes it when the deployment ends
 * @param secrets git credentials and secret variables
 * @param image the artifact to start, for reprovisioning and moves (no build)
 * @param previousTarget the target a moved job leaves
 */
public record DeploymentTask(
    String id,
    DeploymentKind kind,
    Caller caller,
    Manifest manifest,
    JobType jobType,
    String target,
    Optional<Path> buildContext,
    JobSecrets secrets,
    Optional<String> image,
    Optional<String> previousTarget,
    boolean force,
    List<String> buildFlags) {

  public DeploymentTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(jobType, "jobType");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(buildContext, "buildContext");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(previousTarget, "previousTarget");
    buildFlags = List.copyOf(buildFlags);
  }

  public String jobName() {
    return manifest.name();
  }

  public String jobVersion() {
    return manifest.version();
  }

  /** The same task under its deployment's id. */
  public DeploymentTask withId(String deploymentId) {
    return new DeploymentTask(
        deploymentId,
        kind,
        caller,
        manifest,
        jobType,
        target,
        buildContext,
        secrets,
        image,
        previousTarget,
        force,
        buildFlags);
  }

  @Override
  public String toString() {
    return "DeploymentTask["
        + id
        + " "
        + kind
        + " "
        + jobName()
        + " v"
        + jobVersion()
        + " on "
        + target
        + "]";
  }
}
