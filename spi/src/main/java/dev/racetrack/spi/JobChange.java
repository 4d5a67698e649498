package dev.racetrack.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A job version that was deployed or deleted, as hooks see it.
 *
 * @param jobName the job's name
 * @param jobVersion its version
 * @param username who deployed or deleted it
 * @param infrastructureTarget where it runs (or ran)
 * @param image the image or artifact it was deployed from (deployments only)
 * @param jobTypeVersion the resolved job type, {@code name:version}
 */
public record JobChange(
    String jobName,
    String jobVersion,
    String username,
    Optional<String> infrastructureTarget,
    Optional<String> image,
    Optional<String> jobTypeVersion) {
  public JobChange {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(jobVersion, "jobVersion");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(infrastructureTarget, "infrastructureTarget");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(jobTypeVersion, "jobTypeVersion");
  }
}
