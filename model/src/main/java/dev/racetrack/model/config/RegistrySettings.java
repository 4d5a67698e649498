package dev.racetrack.model.config;

import dev.racetrack.model.error.ValidationException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry job images live in, as every component reads it ({@code DOCKER_REGISTRY*}, the
 * original's {@code docker_registry} and {@code docker_registry_namespace}): the image builder
 * pushes there, the container targets pull from there, the registry cleaner cleans there.
 *
 * @param registry {@code DOCKER_REGISTRY}: {@code host[:port]}; absent: no registry
 * @param namespace {@code DOCKER_REGISTRY_NAMESPACE}: the repository prefix ({@code racetrack})
 * @param username {@code DOCKER_REGISTRY_USERNAME}, set together with {@code password}
 * @param password {@code DOCKER_REGISTRY_PASSWORD}; never logged
 * @param insecure {@code DOCKER_REGISTRY_INSECURE}: plain HTTP (a registry on loopback)
 */
public record RegistrySettings(
    Optional<String> registry,
    String namespace,
    Optional<String> username,
    Optional<String> password,
    boolean insecure) {
  private static final Pattern REGISTRY =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");
  private static final Pattern NAMESPACE =
      Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");

  public RegistrySettings {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** Reads and validates the settings; errors name the bad variable. */
  public static RegistrySettings fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    Optional<String> registry = e.optional("DOCKER_REGISTRY");
    if (registry.isPresent() && !REGISTRY.matcher(registry.get()).matches()) {
      throw new ValidationException(
          "environment variable DOCKER_REGISTRY must be a registry's host[:port] (e.g."
              + " registry.example.com or 127.0.0.1:5000), got '"
              + registry.get()
              + "'");
    }
    String namespace = e.string("DOCKER_REGISTRY_NAMESPACE", "racetrack");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new ValidationException(
          "environment variable DOCKER_REGISTRY_NAMESPACE must be a repository path of lower-case"
              + " letters, digits and . _ - separated by /, got '"
              + namespace
              + "'");
    }
    Optional<String> username = e.optional("DOCKER_REGISTRY_USERNAME");
    Optional<String> password = e.optional("DOCKER_REGISTRY_PASSWORD");
    if (username.isPresent() != password.isPresent()) {
      throw new ValidationException(
          "environment variables DOCKER_REGISTRY_USERNAME and DOCKER_REGISTRY_PASSWORD must be set"
              + " together ("
              + (username.isPresent() ? "DOCKER_REGISTRY_PASSWORD" : "DOCKER_REGISTRY_USERNAME")
              + " is missing)");
    }
    return new RegistrySettings(
        registry, namespace, username, password, e.bool("DOCKER_REGISTRY_INSECURE", false));
  }

  @Override
  public String toString() {
    return "RegistrySettings["
        + registry.orElse("(none)")
        + ", namespace="
        + namespace
        + ", user="
        + username.orElse("(none)")
        + ", password="
        + (password.isPresent() ? "(redacted)" : "(none)")
        + ", insecure="
        + insecure
        + "]";
  }
}
