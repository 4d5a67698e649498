package dev.racetrack.docker;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two job types that run only on container targets: {@code dockerfile} (the job brings a
 * Dockerfile; the image builder builds it with the Docker engine) and {@code docker-image} (the job
 * names a pre-built image; nothing is built).
 */
public final class ContainerJobTypes {
  /** The {@code jobtype_extra} key naming a pre-built image. */
  public static final String IMAGE = "image";

  /** The {@code jobtype_extra} key naming the Dockerfile, relative to the job's directory. */
  public static final String DOCKERFILE_PATH = "dockerfile_path";

  /** The {@code jobtype_extra} key giving the port the job listens on inside a private network. */
  public static final String PORT = "port";

  private static final Pattern REFERENCE =
      Pattern.compile(
          "[a-z0-9]+([._:-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?");

  private ContainerJobTypes() {}

  /** The port a manifest declares in {@code jobtype_extra.port}, if any. */
  static OptionalInt declaredPort(Manifest manifest) {
    Object port = manifest.jobtypeExtra().get(PORT);
    if (port == null) {
      return OptionalInt.empty();
    }
    try {
      int value = Integer.parseInt(port.toString());
      if (value >= 1 && value <= 65535) {
        return OptionalInt.of(value);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ValidationException(
        "jobtype_extra.port must be a port number from 1 to 65535, got '" + port + "'");
  }

  private static void onlyKeys(Manifest manifest, Set<String> allowed) {
    for (String key : manifest.jobtypeExtra().keySet()) {
      if (!allowed.contains(key)) {
        throw new ValidationException(
            "jobtype_extra." + key + " is not a key of job type " + manifest.jobtype());
      }
    }
    declaredPort(manifest);
  }

  private static BuildException noLocalBuild(Manifest manifest) {
    return new BuildException(
        "job type "
            + manifest.jobtypeName()
            + " runs only on a container infrastructure target (set infrastructure_target:"
            + " docker); the local target runs processes");
  }

  /** {@code dockerfile:1.0.0}: a job with its own Dockerfile serving HTTP on {@code PORT}. */
  public static final class Dockerfile implements JobType {
    public static final String NAME = "dockerfile";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String version() {
      return "1.0.0";
    }

    @Override
    public void validate(Manifest manifest) {
      onlyKeys(manifest, Set.of(DOCKERFILE_PATH, PORT));
      String path = manifest.jobtypeExtraString(DOCKERFILE_PATH).orElse("Dockerfile");
      Path relative = Path.of(path).normalize();
      if (relative.isAbsolute() || relative.startsWith("..")) {
        throw new ValidationException(
            "jobtype_extra.dockerfile_path '" + path + "' must be a path inside the job directory");
      }
    }

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      throw noLocalBuild(build.manifest());
    }
  }

  /** {@code docker-image:1.0.0}: a job that is a pre-built image; nothing is built. */
  public static final class PrebuiltImage implements JobType {
    public static final String NAME = "docker-image";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String version() {
      return "1.0.0";
    }

    @Override
    public void validate(Manifest manifest) {
      onlyKeys(manifest, Set.of(IMAGE, PORT));
      image(manifest);
    }

    /** The image reference the manifest names, checked. */
    public static String image(Manifest manifest) {
      Optional<String> image = manifest.jobtypeExtraString(IMAGE).map(String::strip);
      if (image.isEmpty() || image.get().isEmpty()) {
        throw new ValidationException(
            "jobtype_extra.image is required: the image reference to run, e.g."
                + " registry.example.com/team/job:1.0");
      }
      if (!REFERENCE.matcher(image.get()).matches()) {
        throw new ValidationException(
            "jobtype_extra.image '" + image.get() + "' is not an image reference");
      }
      return image.get();
    }

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      throw noLocalBuild(build.manifest());
    }
  }
}
