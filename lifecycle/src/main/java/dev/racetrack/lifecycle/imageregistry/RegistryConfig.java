package dev.racetrack.lifecycle.imageregistry;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.config.RegistrySettings;
import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry job images live in (the image builder's {@code DOCKER_REGISTRY*} settings) and the
 * registry cleaner's settings.
 *
 * @param registry {@code DOCKER_REGISTRY}: {@code host[:port]}; absent: no registry to clean
 * @param namespace {@code DOCKER_REGISTRY_NAMESPACE}; job images are {@code
 *     <namespace>/job-entrypoint/<job name>} repositories
 * @param insecure {@code DOCKER_REGISTRY_INSECURE}: plain HTTP instead of HTTPS
 * @param keep {@code REGISTRY_CLEAN_KEEP}: newest tags kept per job besides those in use (10)
 * @param interval {@code REGISTRY_CLEAN_INTERVAL_MINUTES}: how often the supervisor cleans (with
 *     {@code --apply}); 0, the default: never
 */
public record RegistryConfig(
    Optional<String> registry,
    String namespace,
    Optional<String> username,
    Optional<String> password,
    boolean insecure,
    int keep,
    Optional<Duration> interval) {

  public RegistryConfig {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(interval, "interval");
  }

  public static RegistryConfig fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    RegistrySettings settings = RegistrySettings.fromEnv(env);
    Optional<String> registry = settings.registry();
    String keep = e.string("REGISTRY_CLEAN_KEEP", "10");
    int keepCount;
    try {
      keepCount = Integer.parseInt(keep);
    } catch (NumberFormatException ex) {
      keepCount = -1;
    }
    if (keepCount < 0) {
      throw new ValidationException(
          "environment variable REGISTRY_CLEAN_KEEP must be a whole number >= 0, got '"
              + keep
              + "'");
    }
    String minutes = e.string("REGISTRY_CLEAN_INTERVAL_MINUTES", "0");
    long interval;
    try {
      interval = Long.parseLong(minutes);
    } catch (NumberFormatException ex) {
      interval = -1;
    }
    if (interval < 0) {
      throw new ValidationException(
          "environment variable REGISTRY_CLEAN_INTERVAL_MINUTES must be a whole number of"
              + " minutes (0: off), got '"
              + minutes
              + "'");
    }
    if (interval > 0 && registry.isEmpty()) {
      throw new ValidationException(
          "environment variable REGISTRY_CLEAN_INTERVAL_MINUTES is set but DOCKER_REGISTRY is not:"
              + " there is no registry to clean");
    }
    return new RegistryConfig(
        registry,
        settings.namespace(),
        settings.username(),
        settings.password(),
        settings.insecure(),
        keepCount,
        interval == 0 ? Optional.empty() : Optional.of(Duration.ofMinutes(interval)));
  }

  /** The repository prefix of job images, e.g. {@code racetrack/job-entrypoint/}. */
  public String jobRepositoryPrefix() {
    return namespace + "/job-entrypoint/";
  }

  @Override
  public String toString() {
    return "RegistryConfig["
        + registry.orElse("(none)")
        + ", namespace="
        + namespace
        + ", user="
        + username.orElse("(none)")
        + ", password="
        + (password.isPresent() ? "(redacted)" : "(none)")
        + ", keep="
        + keep
        + "]";
  }
}
