package dev.racetrack.python3;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        dependencyStep(build),
        List.of(
            new ImagePlan.Layer("wrapper", staged.resolve("wrapper"), WRAPPER),
            new ImagePlan.Layer("code", staged.resolve("job"), JOB)),
        command,
        JOB,
        env);
  }

  /**
   * The step run in a container of the base image, when the job asks for a Python version or has
   * requirements: the base image's Python must be the one asked for ({@code
   * jobtype_extra.python_version}); then {@code pip install --target} by the base image's
   * interpreter on the job's requirements, which sees the build variables and the platform's
   * package index settings (PIP_*), the local indexes those name, read-only, and the job family's
   * pip cache, read-write; then {@code pip check} on what it installed unless {@code
   * jobtype_extra.check_requirements} is false.
   */
  private static Optional<ImagePlan.DependencyStep> dependencyStep(JobBuild build) {
    Manifest manifest = build.manifest();
    Optional<String> python = manifest.jobtypeExtraString("python_version").map(String::strip);
    Optional<String> requirements = manifest.jobtypeExtraString("requirements_path");
    if (python.isEmpty() && requirements.isEmpty()) {
      return Optional.empty();
    }
    // values reach the script as positional parameters ($1, $2), never inside its text
    List<String> script = new ArrayList<>(List.of("set -e"));
    String wantedPython = python.orElse("");
    if (python.isPresent()) {
      script.add("python3 -c " + shellQuoted(PYTHON_VERSION_CHECK) + " \"$1\"");
    }
    String inContainer = "";
    Map<String, String> env = new LinkedHashMap<>();
    Optional<BuildCache> cache = Optional.empty();
    if (requirements.isPresent()) {
      Path file =
          BuildTools.inside(
              build.sourceDir(), requirements.get(), "jobtype_extra.requirements_path");
      if (!Files.isRegularFile(file)) {
        throw new BuildException(
            "requirements_path '" + requirements.get() + "' does not exist in the job directory");
      }
      inContainer =
          ImagePlan.DependencyStep.INPUT
              + "/"
              + build.sourceDir().relativize(file).toString().replace('\\', '/');
      build.toolEnv().entrySet().stream()
          .filter(e -> e.getKey().startsWith("PIP_"))
          .filter(e -> !e.getKey().equals(Python3JobType.CACHE_MAX_VARIABLE))
          .forEach(e -> env.put(e.getKey(), e.getValue()));
      env.putAll(build.buildEnv());
      cache = Python3JobType.pipCache(build);
      if (cache.isPresent()) {
        env.put("PIP_CACHE_DIR", ImagePlan.DependencyStep.CACHE);
      } else {
        env.put("PIP_NO_CACHE_DIR", "1");
      }
      script.add(
          "python3 -m pip install --disable-pip-version-check --no-input --no-compile --target "
              + ImagePlan.DependencyStep.OUTPUT
              + " -r \"$2\"");
      if (Python3JobType.checkRequirements(manifest)) {
        script.add("echo 'checking the installed requirements (pip check)'");
        script.add(
            "PYTHONPATH="
                + ImagePlan.DependencyStep.OUTPUT
                + " python3 -m pip check --disable-pip-version-check");
      }
    }
    env.put("HOME", "/tmp");
    return Optional.of(
        new ImagePlan.DependencyStep(
            List.of("/bin/sh", "-c", String.join("\n", script), "sh", wantedPython, inContainer),
            build.sourceDir(),
            env,
            requirements.isPresent() ? Python3JobType.localIndexes(build.toolEnv()) : List.of(),
            DEPS,
            cache));
  }

  /**
   * Exits with a message naming {@code jobtype_extra.python_version} unless the interpreter is the
   * version given as its argument ({@code 3.11} matches 3.11.x).
   */
  private static final String PYTHON_VERSION_CHECK =
      String.join(
          "\n",
          "import sys",
          "want = sys.argv[1]",
          "have = '%d.%d.%d' % sys.version_info[:3]",
          "if have != want and not have.startswith(want + '.'):",
          "    sys.exit('jobtype_extra.python_version ' + want + ' was asked for, but the base image"
              + " runs Python ' + have + ': remove the option, ask for ' + have.rsplit('.', 1)[0]"
              + " + ', or have the platform build python jobs on a base image with Python ' +"
              + " want + ' (PYTHON3_BASE_IMAGE)')");

  private static String shellQuoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
