package dev.racetrack.spi;

import dev.racetrack.model.manifest.Manifest;

/**
 * A job type plugin (e.g. {@code python3:1.0.0}): validates its part of a manifest and builds job
 * source into a runnable artifact. Implementations are found with {@link java.util.ServiceLoader}.
 */
public interface JobType {

  /** Language name as written in {@code jobtype}, e.g. {@code python3}. */
  String name();

  /** Version of this job type, SemVer. */
  String version();

  /** The key {@code name:version} manifests select. */
  default String key() {
    return name() + ":" + version();
  }

  /**
   * Checks the parts of a manifest this job type defines ({@code jobtype_extra}).
   *
   * @throws dev.racetrack.model.error.ValidationException naming the bad key
   */
  void validate(Manifest manifest);

  /**
   * Builds the job's source into {@link JobBuild#artifactDir()} so the local infrastructure target
   * can run it, reporting progress through {@link JobBuild#progress()}.
   *
   * @return how to start the built job
   * @throws BuildException when the build fails (compiler errors, dependency installation)
   */
  LaunchSpec buildLocal(JobBuild build);

  /**
   * Builds the job's source into files staged under {@link JobBuild#artifactDir()} and says how to
   * lay them out as an OCI image: dependency, wrapper and code layers, the container command. The
   * image must run with nothing of the builder's machine (no host interpreter or JDK path).
   *
   * @throws BuildException when the build fails, or this job type cannot be built as an image
   */
  default ImagePlan buildImage(JobBuild build) {
    throw new BuildException("job type " + key() + " cannot be built into a container image");
  }
}
