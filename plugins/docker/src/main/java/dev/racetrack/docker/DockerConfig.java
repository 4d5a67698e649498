package dev.racetrack.docker;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.config.RegistrySettings;
import dev.racetrack.model.error.ValidationException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the Docker target, read from the platform's environment.
 *
 * @param dockerHost the engine ({@code DOCKER_HOST}), e.g. {@code unix:///var/run/docker.sock}
 * @param registry where job images are pulled from with credentials, if the registry needs them
 * @param network {@code host} (the job listens on a free loopback port of the host) or the name of
 *     a Docker network (the job listens on {@link #containerPort} and the port is published on
 *     127.0.0.1 only)
 * @param containerPort the port a job listens on inside a private network
 * @param user the numeric {@code uid:gid} jobs run as (never root)
 * @param restartPolicy Docker's restart policy: {@code unless-stopped}, {@code always} or {@code
 *     on-failure[:N]}
 * @param pidsLimit most processes and threads one container may have
 * @param registryNamespace the path under the registry that built job images are pushed to
 * @param relayImage an image with {@code python3} ({@code DOCKER_TARGET_RELAY_IMAGE}); when set,
 *     every job container gets a network namespace of its own, reachable only through a relay's
 *     Unix socket that the platform (PUB) connects to, and {@code network} is not used for jobs
 */
public record DockerConfig(
    String dockerHost,
    Optional<Registry> registry,
    String network,
    int containerPort,
    String user,
    String restartPolicy,
    long pidsLimit,
    String registryNamespace,
    Optional<String> relayImage) {
  static final String HOST_NETWORK = "host";
  private static final Pattern USER = Pattern.compile("[1-9][0-9]*:[0-9]+");
  private static final Pattern RESTART =
      Pattern.compile("unless-stopped|always|on-failure(:[0-9]+)?");

  /** A registry and the credentials to pull from it; the password is never printed. */
  public record Registry(String address, String username, String password) {
    public Registry {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Registry[" + address + ", user=" + username + ", password=(redacted)]";
    }
  }

  public DockerConfig {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(relayImage, "relayImage");
    if (!USER.matcher(user).matches()) {
      throw new ValidationException(
          "environment variable DOCKER_TARGET_USER must be a non-root numeric uid:gid such as"
              + " 65534:65534, got '"
              + user
              + "'");
    }
    if (!RESTART.matcher(restartPolicy).matches()) {
      throw new ValidationException(
          "environment variable DOCKER_TARGET_RESTART must be unless-stopped, always or"
              + " on-failure[:N], got '"
              + restartPolicy
              + "'");
    }
  }

  /** Reads the settings; every variable is optional. */
  public static DockerConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    RegistrySettings settings = RegistrySettings.fromEnv(environment);
    Optional<Registry> registry =
        settings
            .registry()
            .map(
                address ->
                    new Registry(
                        address, settings.username().orElse(""), settings.password().orElse("")));
    return new DockerConfig(
        env.string("DOCKER_HOST", "unix:///var/run/docker.sock"),
        registry,
        env.string("DOCKER_TARGET_NETWORK", "bridge"),
        env.port("DOCKER_TARGET_CONTAINER_PORT", 7000),
        env.string("DOCKER_TARGET_USER", "65534:65534"),
        env.string("DOCKER_TARGET_RESTART", "unless-stopped").toLowerCase(Locale.ROOT),
        env.positiveLong("DOCKER_TARGET_MAX_PROCESSES", 256),
        settings.namespace(),
        Optional.ofNullable(environment.get("DOCKER_TARGET_RELAY_IMAGE"))
            .map(String::strip)
            .filter(s -> !s.isEmpty()));
  }

  /** Whether each job gets its own network namespace behind a relay (see {@link #relayImage}). */
  public boolean isolated() {
    return relayImage.isPresent();
  }

  /** Whether containers share the host's network (no bridge on the engine). */
  public boolean hostNetwork() {
    return HOST_NETWORK.equals(network);
  }

  int uid() {
    return Integer.parseInt(user.substring(0, user.indexOf(':')));
  }

  int gid() {
    return Integer.parseInt(user.substring(user.indexOf(':') + 1));
  }

  /** The registry credentials for an image, when it lives in the configured registry. */
  public Optional<Registry> registryOf(String image) {
    return registry.filter(r -> image.startsWith(r.address() + "/"));
  }
}
