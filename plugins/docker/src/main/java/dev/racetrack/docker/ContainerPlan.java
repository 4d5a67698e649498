package dev.racetrack.docker;

import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.Quantity;
import dev.racetrack.spi.JobLabels;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobStartException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one replica's container is made of, decided without the engine (so it is unit-tested): name,
 * labels, plain environment, secret environment (delivered as a file, never in the container's
 * config), command and limits.
 *
 * @param name the container's name
 * @param labels the labels the target finds its containers by
 * @param env plain variables, visible in {@code docker inspect}
 * @param secretEnv secret variables, written to {@link #SECRETS_PATH} and read by the entrypoint
 * @param entrypoint the command that loads the secrets file and runs the image's own command
 * @param hostPort the loopback port the platform reaches the replica on
 * @param listenPort the port the job listens on inside its network
 * @param memoryBytes the memory limit
 * @param memoryReservationBytes the soft memory reservation (0: none)
 * @param nanoCpus the CPU limit in billionths of a CPU
 */
record ContainerPlan(
    String name,
    Map<String, String> labels,
    List<String> env,
    Map<String, String> secretEnv,
    List<String> entrypoint,
    int hostPort,
    int listenPort,
    long memoryBytes,
    long memoryReservationBytes,
    long nanoCpus) {
  static final String LABEL_JOB = JobLabels.JOB;
  static final String LABEL_NAME = JobLabels.NAME;
  static final String LABEL_VERSION = JobLabels.VERSION;
  static final String LABEL_TARGET = "racetrack/infrastructure-target";
  static final String LABEL_TIMESTAMP = JobLabels.DEPLOYMENT_TIMESTAMP;
  static final String LABEL_REPLICA = "racetrack/replica";
  static final String LABEL_PORT = "racetrack/host-port";

  /** The Unix socket a job in its own network namespace is reached through. */
  static final String LABEL_SOCKET = "racetrack/socket";

  /** On a relay: the job container it serves. */
  static final String LABEL_RELAY_OF = "racetrack/relay-of";

  /** On a relay: its target. */
  static final String LABEL_RELAY_TARGET = "racetrack/relay-target";

  static final String SECRETS_PATH = "/run/racetrack/secrets.env";
  static final long DEFAULT_MEMORY = 1L << 30;
  static final long DEFAULT_NANO_CPUS = 1_000_000_000L;

  /** Reserved variables that are secrets: kept out of the container's config like user secrets. */
  static final Set<String> SECRET_RESERVED = Set.of("AUTH_TOKEN", JobCallSecrets.ENV);

  /** The shell line that exports the secrets file and hands over to the image's command. */
  static final String LOADER = "set -a && . " + SECRETS_PATH + " && set +a && exec \"$@\"";

  ContainerPlan {
    labels = Map.copyOf(labels);
    env = List.copyOf(env);
    secretEnv = Map.copyOf(secretEnv);
    entrypoint = List.copyOf(entrypoint);
  }

  /**
   * The container of replica {@code replica}.
   *
   * @param imageCommand the image's own entrypoint followed by its command
   */
  static ContainerPlan of(
      String target,
      JobProvision provision,
      int replica,
      int hostPort,
      DockerConfig config,
      List<String> imageCommand) {
    Manifest manifest = provision.manifest();
    if (imageCommand.isEmpty()) {
      throw new JobStartException(
          "image " + provision.imageName() + " has neither an entrypoint nor a command to run");
    }
    boolean relayed = config.relayImageFor(manifest).isPresent();
    boolean loopbackOnly = config.hostNetwork() || relayed;
    int listenPort =
        config.hostNetwork() && !relayed
            ? hostPort
            : ContainerJobTypes.declaredPort(manifest).orElse(config.containerPort());
    Map<String, String> labels = new TreeMap<>();
    labels.put(LABEL_JOB, "true");
    labels.put(LABEL_NAME, manifest.name());
    labels.put(LABEL_VERSION, manifest.version());
    labels.put(LABEL_TARGET, target);
    labels.put(LABEL_TIMESTAMP, Long.toString(provision.deploymentTimestamp()));
    labels.put(LABEL_REPLICA, Integer.toString(replica));
    labels.put(LABEL_PORT, Integer.toString(hostPort));

    Map<String, String> plain = new LinkedHashMap<>();
    plain.put("HOME", "/tmp");
    Map<String, String> secret = new TreeMap<>(provision.secretRuntimeEnv());
    provision.runtimeEnv().forEach(plain::put);
    provision
        .reservedEnv()
        .forEach(
            (key, value) -> {
              if (SECRET_RESERVED.contains(key)) {
                secret.put(key, value);
              } else {
                plain.put(key, value);
              }
            });
    secret.keySet().forEach(plain::remove);
    plain.put("JOB_HTTP_ADDR", loopbackOnly ? "127.0.0.1" : "0.0.0.0");
    plain.put("JOB_HTTP_PORT", Integer.toString(listenPort));
    plain.put("PORT", Integer.toString(listenPort));
    List<String> env = new ArrayList<>();
    plain.forEach((k, v) -> env.add(k + "=" + v));

    List<String> entrypoint = new ArrayList<>(List.of("/bin/sh", "-c", LOADER, "racetrack-job"));
    entrypoint.addAll(imageCommand);
    Optional<Manifest.Resources> resources = Optional.ofNullable(manifest.resources());
    long memory =
        resources
            .map(Manifest.Resources::memoryMax)
            .map(m -> Quantity.parse(m, "resources.memory_max").longValue())
            .orElse(DEFAULT_MEMORY);
    long reservation =
        resources
            .map(Manifest.Resources::memoryMin)
            .map(m -> Quantity.parse(m, "resources.memory_min").longValue())
            .map(m -> Math.min(m, memory))
            .orElse(0L);
    long nanoCpus =
        resources
            .map(Manifest.Resources::cpuMax)
            .map(
                c ->
                    Quantity.parse(c, "resources.cpu_max")
                        .value()
                        .multiply(BigDecimal.valueOf(1_000_000_000L))
                        .longValue())
            .filter(n -> n > 0)
            .orElse(DEFAULT_NANO_CPUS);
    String name =
        "rt-"
            + target
            + "-"
            + manifest.resourceName()
            + "-"
            + provision.deploymentTimestamp()
            + "-"
            + replica;
    return new ContainerPlan(
        name, labels, env, secret, entrypoint, hostPort, listenPort, memory, reservation, nanoCpus);
  }

  /** The secrets file's content: one {@code KEY='value'} per line, quoted for {@code sh}. */
  String secretsFile() {
    StringBuilder file = new StringBuilder();
    secretEnv.forEach(
        (key, value) -> {
          if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new JobStartException(
                "secret variable name '" + key + "' is not a valid environment variable name");
          }
          file.append(key).append("='").append(value.replace("'", "'\\''")).append("'\n");
        });
    return file.toString();
  }

  @Override
  public String toString() {
    return "ContainerPlan[" + name + ", secrets=" + secretEnv.keySet() + "]";
  }
}
