package dev.racetrack.docker;

import dev.racetrack.model.config.BaseImages;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.config.RegistrySettings;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * @param relay which jobs get a network namespace of their own behind a relay ({@code
 *     DOCKER_TARGET_RELAY}, see {@link Relay})
 * @param relayImage the relay's image, one with {@code python3} ({@code DOCKER_TARGET_RELAY_IMAGE};
 *     by default the python3 job type's base image, {@code PYTHON3_BASE_IMAGE}, which a platform
 *     building python jobs pulls anyway)
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
    Relay relay,
    String relayImage) {
  static final String HOST_NETWORK = "host";

  /** The default relay image: the python3 job type's default base image. */
  static final String DEFAULT_RELAY_IMAGE = BaseImages.DEFAULT_PYTHON3;

  /**
   * Which jobs run in a network namespace of their own (loopback only) reached through a relay's
   * Unix socket, so no local process can call them around PUB.
   */
  public enum Relay {
    /**
     * Jobs of every type but those served by the platform's wrappers (which check the per-job call
     * secret themselves and keep their network): {@code dockerfile}, {@code docker-image} and
     * plugin job types.
     */
    AUTO,
    /** Every job, wrapped ones included (they then cannot open connections out either). */
    ALL,
    /** None: a job that does not check the call secret answers any local process. */
    OFF;

    static Relay parse(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ValidationException(
            "environment variable DOCKER_TARGET_RELAY must be auto, all or off, got '"
                + value
                + "'");
      }
    }
  }

  /** Job types whose jobs the platform's own wrappers serve (they check the call secret). */
  static final Set<String> WRAPPED_JOB_TYPES = Set.of("python3", "java");

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
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(relayImage, "relayImage");
    if (relayImage.isBlank()) {
      throw new ValidationException("environment variable DOCKER_TARGET_RELAY_IMAGE is empty");
    }
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
        Relay.parse(env.string("DOCKER_TARGET_RELAY", "auto")),
        env.string(
            "DOCKER_TARGET_RELAY_IMAGE",
            env.string(BaseImages.PYTHON3_VARIABLE, DEFAULT_RELAY_IMAGE)));
  }

  /**
   * The relay image for a job of this manifest's type, when the job runs behind a relay (see {@link
   * Relay}).
   */
  public Optional<String> relayImageFor(Manifest manifest) {
    boolean relayed =
        switch (relay) {
          case ALL -> true;
          case OFF -> false;
          case AUTO -> !WRAPPED_JOB_TYPES.contains(manifest.jobtypeName());
        };
    return relayed ? Optional.of(relayImage) : Optional.empty();
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
