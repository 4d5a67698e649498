package dev.racetrack.spi;

import dev.racetrack.model.manifest.Manifest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Input of one job build.
 *
 * @param manifest the validated manifest
 * @param sourceDir the job's directory (the repository's {@code git.directory})
 * @param artifactDir an empty directory the job type fills with the runnable artifact
 * @param buildEnv build-time environment: the manifest's {@code build_env} plus secret build
 *     variables; visible to the build only
 * @param toolEnv the platform environment build tools may use (PATH, HOME, PIP_*, JAVA_HOME, ...)
 * @param progress where the job type reports phases and build output
 * @param sandbox confines every build step that runs job-controlled input (venv, pip, javac)
 */
public record JobBuild(
    Manifest manifest,
    Path sourceDir,
    Path artifactDir,
    Map<String, String> buildEnv,
    Map<String, String> toolEnv,
    BuildProgress progress,
    Sandbox sandbox) {

  public JobBuild {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(sourceDir, "sourceDir");
    Objects.requireNonNull(artifactDir, "artifactDir");
    buildEnv = Map.copyOf(buildEnv);
    toolEnv = Map.copyOf(toolEnv);
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(sandbox, "sandbox");
  }

  @Override
  public String toString() {
    return "JobBuild["
        + manifest.name()
        + " "
        + manifest.version()
        + ", buildEnv="
        + buildEnv.keySet()
        + "]";
  }
}
