package dev.racetrack.spi;

import dev.racetrack.model.manifest.Manifest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * @param caches the root of the platform's build caches ({@code DATA/cache}); a job type keeps its
 *     tools' download caches there, one per job family ({@link #familyCache}); empty when the
 *     caller keeps none (every build then downloads afresh)
 */
public record JobBuild(
    Manifest manifest,
    Path sourceDir,
    Path artifactDir,
    Map<String, String> buildEnv,
    Map<String, String> toolEnv,
    BuildProgress progress,
    Sandbox sandbox,
    Optional<Path> caches) {

  public JobBuild {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(sourceDir, "sourceDir");
    Objects.requireNonNull(artifactDir, "artifactDir");
    buildEnv = Map.copyOf(buildEnv);
    toolEnv = Map.copyOf(toolEnv);
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(caches, "caches");
  }

  /** A build without caches between builds. */
  public JobBuild(
      Manifest manifest,
      Path sourceDir,
      Path artifactDir,
      Map<String, String> buildEnv,
      Map<String, String> toolEnv,
      BuildProgress progress,
      Sandbox sandbox) {
    this(manifest, sourceDir, artifactDir, buildEnv, toolEnv, progress, sandbox, Optional.empty());
  }

  /**
   * The cache of {@code tool} (e.g. {@code pip}) of this job's family, never shared with another
   * family; empty when the build keeps no caches.
   */
  public Optional<BuildCache> familyCache(String tool, long maxBytes) {
    return caches.map(root -> BuildCache.of(root, tool, manifest.name(), maxBytes));
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
