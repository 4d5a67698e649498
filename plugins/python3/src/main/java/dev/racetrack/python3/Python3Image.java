package dev.racetrack.python3;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A python3 job as an image: the requirements installed by the base image's own {@code pip} into
 * {@code /app/deps} (one layer), the wrapper in {@code /app/wrapper} (one layer) and the job's
 * source in {@code /app/job} (the last, small layer), run by the base image's {@code python3}.
 */
final class Python3Image {
  static final String DEPS = ImagePlan.APP + "/deps";
  static final String WRAPPER = ImagePlan.APP + "/wrapper";
  static final String JOB = ImagePlan.APP + "/job";

  private Python3Image() {}

  static ImagePlan plan(JobBuild build, Set<String> skipped) {
    Manifest manifest = build.manifest();
    String entrypoint = manifest.jobtypeExtraString("entrypoint_path").orElseThrow();
    if (!Files.isRegularFile(
        BuildTools.inside(build.sourceDir(), entrypoint, "jobtype_extra.entrypoint_path"))) {
      throw new BuildException(
          "entrypoint_path '" + entrypoint + "' does not exist in the job directory");
    }
    Path staged = build.artifactDir();
    build.progress().log("staging job source and the python3 wrapper " + Python3JobType.VERSION);
    BuildTools.copyTree(
        build.sourceDir(),
        staged.resolve("job"),
        p -> skipped.contains(p.getFileName().toString()));
    BuildTools.copyResourceDir(Python3JobType.class, "wrapper", staged.resolve("wrapper"));
    List<String> command = Python3JobType.wrapperCommand("python3", entrypoint, manifest);
    Map<String, String> env = Python3JobType.wrapperEnv(WRAPPER + ":" + DEPS, manifest);
    return new ImagePlan(
        manifest.jobtypeExtraString("requirements_path").map(r -> pipInstall(build, r)),
        List.of(
            new ImagePlan.Layer("wrapper", staged.resolve("wrapper"), WRAPPER),
            new ImagePlan.Layer("code", staged.resolve("job"), JOB)),
        command,
        JOB,
        env);
  }

  /**
   * {@code pip install --target} run by the base image's interpreter on the job's requirements; it
   * sees the build variables and the platform's package index settings (PIP_*), the local indexes
   * those name, read-only, and the job family's pip cache, read-write.
   */
  private static ImagePlan.DependencyStep pipInstall(JobBuild build, String requirements) {
    Path file =
        BuildTools.inside(build.sourceDir(), requirements, "jobtype_extra.requirements_path");
    if (!Files.isRegularFile(file)) {
      throw new BuildException(
          "requirements_path '" + requirements + "' does not exist in the job directory");
    }
    String inContainer =
        ImagePlan.DependencyStep.INPUT
            + "/"
            + build.sourceDir().relativize(file).toString().replace('\\', '/');
    Map<String, String> env = new LinkedHashMap<>();
    build.toolEnv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("PIP_"))
        .filter(e -> !e.getKey().equals(Python3JobType.CACHE_MAX_VARIABLE))
        .forEach(e -> env.put(e.getKey(), e.getValue()));
    env.putAll(build.buildEnv());
    env.put("HOME", "/tmp");
    Optional<BuildCache> cache = Python3JobType.pipCache(build);
    if (cache.isPresent()) {
      env.put("PIP_CACHE_DIR", ImagePlan.DependencyStep.CACHE);
    } else {
      env.put("PIP_NO_CACHE_DIR", "1");
    }
    return new ImagePlan.DependencyStep(
        List.of(
            "python3",
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--no-compile",
            "--target",
            ImagePlan.DependencyStep.OUTPUT,
            "-r",
            inContainer),
        build.sourceDir(),
        env,
        Python3JobType.localIndexes(build.toolEnv()),
        DEPS,
        cache);
  }
}
