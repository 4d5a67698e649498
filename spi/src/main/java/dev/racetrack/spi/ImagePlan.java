package dev.racetrack.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a job type lays a built job out as an OCI image on top of its base image (the image builder
 * picks the base per job type from its configuration). Every layer is a directory staged on the
 * builder's disk and copied to an absolute directory of the image; layers come in the order given,
 * after the dependency layer (if any), so the often-changing job code goes last.
 *
 * @param dependencies a step run in a container of the base image, whose output becomes the
 *     dependency layer (e.g. {@code pip install --target}); absent when the job has none to install
 * @param layers the image's own layers in order, e.g. the wrapper, then the job's code
 * @param entrypoint the container's command, in the image's layout
 * @param workingDir the container's absolute working directory
 * @param env environment baked into the image config (never secrets)
 */
public record ImagePlan(
    Optional<DependencyStep> dependencies,
    List<Layer> layers,
    List<String> entrypoint,
    String workingDir,
    Map<String, String> env) {

  /** Where job types put their files in an image. */
  public static final String APP = "/app";

  public ImagePlan {
    Objects.requireNonNull(dependencies, "dependencies");
    layers = List.copyOf(layers);
    entrypoint = List.copyOf(entrypoint);
    if (entrypoint.isEmpty()) {
      throw new IllegalArgumentException("image entrypoint must not be empty");
    }
    requireAbsolute(workingDir, "workingDir");
    env = Map.copyOf(env);
  }

  /**
   * A layer: the directory {@code source} copied to {@code target} in the image.
   *
   * @param name a short name shown in build logs ({@code dependencies}, {@code wrapper}, {@code
   *     code})
   */
  public record Layer(String name, Path source, String target) {
    public Layer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(source, "source");
      requireAbsolute(target, "target");
    }
  }

  /**
   * A command run in a throw-away container of the base image, with {@code input} mounted read-only
   * at {@value #INPUT} and an empty directory mounted writable at {@value #OUTPUT}; what it writes
   * there becomes the dependency layer at {@code target}.
   *
   * @param env the step's environment: build variables (secrets included; they reach the step only,
   *     never a layer or the image config) and the platform's package index settings
   * @param readOnly host directories mounted read-only at the same path (local package indexes)
   * @param cache the job family's download cache, mounted read-write at {@value #CACHE} for this
   *     step only and trimmed to its limit afterwards; empty for none
   */
  public record DependencyStep(
      List<String> command,
      Path input,
      Map<String, String> env,
      List<Path> readOnly,
      String target,
      Optional<BuildCache> cache) {
    public static final String INPUT = "/input";
    public static final String OUTPUT = "/output";
    public static final String CACHE = "/cache";

    public DependencyStep {
      command = List.copyOf(command);
      Objects.requireNonNull(input, "input");
      env = Map.copyOf(env);
      readOnly = List.copyOf(readOnly);
      requireAbsolute(target, "target");
      Objects.requireNonNull(cache, "cache");
    }

    /** A step without a cache. */
    public DependencyStep(
        List<String> command,
        Path input,
        Map<String, String> env,
        List<Path> readOnly,
        String target) {
      this(command, input, env, readOnly, target, Optional.empty());
    }

    @Override
    public String toString() {
      return "DependencyStep[" + command + ", env=" + env.keySet() + "]";
    }
  }

  private static void requireAbsolute(String path, String what) {
    Objects.requireNonNull(path, what);
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(what + " must be an absolute path in the image: " + path);
    }
  }
}
