package dev.racetrack.imagebuilder;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.racetrack.model.config.BaseImages;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.config.RegistrySettings;
import dev.racetrack.model.error.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where job images go and what they are built on (the original's {@code docker_registry} and {@code
 * docker_registry_namespace}, here from environment variables).
 *
 * @param registry {@code DOCKER_REGISTRY}: {@code host[:port]} job images are pushed to; absent:
 *     the builder makes no images (artifact directories for the local target only)
 * @param namespace {@code DOCKER_REGISTRY_NAMESPACE}: the repository prefix, e.g. {@code
 *     racetrack}; a job's images are {@code <registry>/<namespace>/job-entrypoint/<name>}
 * @param username {@code DOCKER_REGISTRY_USERNAME}, with {@code password} ({@code
 *     DOCKER_REGISTRY_PASSWORD}); also used for base images in the same registry
 * @param insecure {@code DOCKER_REGISTRY_INSECURE}: the registry speaks plain HTTP (a registry on
 *     the loopback interface; credentials then travel unencrypted)
 * @param baseImages base image per job type: {@code PYTHON3_BASE_IMAGE}, {@code JAVA_BASE_IMAGE}
 * @param dockerHost {@code DOCKER_HOST}: the engine that runs dependency steps in base images
 */
public record ImageSettings(
    Optional<String> registry,
    String namespace,
    Optional<String> username,
    Optional<String> password,
    boolean insecure,
    Map<String, String> baseImages,
    Optional<String> dockerHost) {

  public static final String DEFAULT_PYTHON3_BASE = BaseImages.DEFAULT_PYTHON3;
  public static final String DEFAULT_JAVA_BASE = BaseImages.DEFAULT_JAVA;

  public ImageSettings {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    baseImages = Map.copyOf(baseImages);
    Objects.requireNonNull(dockerHost, "dockerHost");
  }

  /** Reads and validates the settings; errors name the bad variable. */
  public static ImageSettings fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    RegistrySettings registry = RegistrySettings.fromEnv(env);
    Map<String, String> bases = new LinkedHashMap<>();
    bases.put("python3", imageReference(e, BaseImages.PYTHON3_VARIABLE, DEFAULT_PYTHON3_BASE));
    bases.put("java", imageReference(e, BaseImages.JAVA_VARIABLE, DEFAULT_JAVA_BASE));
    return new ImageSettings(
        registry.registry(),
        registry.namespace(),
        registry.username(),
        registry.password(),
        registry.insecure(),
        bases,
        e.optional("DOCKER_HOST"));
  }

  private static String imageReference(EnvReader env, String variable, String fallback) {
    String value = env.string(variable, fallback);
    try {
      ImageReference.parse(value);
      return value;
    } catch (InvalidImageReferenceException ex) {
      throw new ValidationException(
          "environment variable " + variable + " is not an image reference: '" + value + "'", ex);
    }
  }

  /** The repository of a job's images, e.g. {@code 127.0.0.1:5000/racetrack/job-entrypoint/x}. */
  public String repository(String jobName) {
    return registry.orElseThrow() + "/" + namespace + "/job-entrypoint/" + jobName;
  }

  /** For the start-up log, password redacted. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("docker_registry", registry.orElse("(none: no images are built)"));
    out.put("docker_registry_namespace", namespace);
    out.put("docker_registry_username", username.orElse("(none)"));
    out.put("docker_registry_password", password.isPresent() ? "(redacted)" : "(none)");
    out.put("docker_registry_insecure", insecure);
    out.put("base_images", baseImages);
    return out;
  }

  @Override
  public String toString() {
    return "ImageSettings" + describe();
  }
}
