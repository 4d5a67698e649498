package dev.racetrack.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProbe;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker infrastructure target: every replica of a job version is a container, labelled with
 * the job, its version, this target and the deployment, hardened (non-root uid, read-only root file
 * system with a tmpfs {@code /tmp}, no capabilities, no new privileges, memory, CPU and process
 * limits) and restarted by the engine when it crashes. Secret variables reach the job through a
 * read-only mounted file, never through the container's config. Which containers run is read from
 * the engine's labels, so a restarted platform finds its jobs again; a redeployed version keeps
 * serving until its replacement is ready.
 */
public final class DockerTarget implements InfrastructureTarget {
  private static final Logger LOG = LoggerFactory.getLogger(DockerTarget.class);
  public static final String NAME = "docker";

  private final String name;
  private final JobContainers containers;
  private final DockerStore store;
  private final DockerConfig config;
  private final JobProbe probe;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  DockerTarget(
      String name,
      JobContainers containers,
      DockerStore store,
      DockerConfig config,
      JobProbe probe) {
    this.name = name;
    this.containers = containers;
    this.store = store;
    this.config = config;
    this.probe = probe;
    try {
      adopt();
    } catch (RuntimeException e) {
      LOG.warn(
          "docker target {}: cannot reach the engine at {}: {}",
          name,
          config.dockerHost(),
          e.toString());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean runsImages() {
    return true;
  }

  /** Removes containers of instances whose start a platform crash interrupted. */
  private void adopt() {
    Map<String, List<Container>> byJob =
        containers.list(name, Optional.empty(), Optional.empty()).stream()
            .collect(Collectors.groupingBy(DockerTarget::resource));
    byJob.forEach(
        (resource, list) -> {
          long current = store.current(resource).orElse(newest(list));
          for (Container c : list) {
            if (timestamp(c) != current) {
              LOG.warn("removing container {} of an unfinished deployment", c.getId());
              removeContainer(resource, c);
            }
          }
          LOG.info("docker target {}: adopted {} ({} containers)", name, resource, list.size());
        });
    removeOrphanRelays();
  }

  @Override
  public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
    Manifest manifest = provision.manifest();
    String resource = manifest.resourceName();
    synchronized (locks.computeIfAbsent(resource, k -> new Object())) {
      phases.accept("starting Job server");
      List<String> command = containers.prepareImage(provision.imageName());
      List<Container> previous =
          containers.list(name, Optional.of(manifest.name()), Optional.of(manifest.version()));
      previous.stream() // a deployment within the same second reuses the names
          .filter(c -> timestamp(c) == provision.deploymentTimestamp())
          .forEach(c -> removeContainer(resource, c));
      List<String> started = new ArrayList<>();
      List<ContainerPlan> plans = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      try {
        for (int i = 0; i < Math.max(1, manifest.replicas()); i++) {
          ContainerPlan plan = ContainerPlan.of(name, provision, i, freePort(), config, command);
          Path secrets =
              store.writeContainerSecrets(resource, plan.name(), plan.secretsFile(), config);
          plans.add(plan);
          Optional<JobContainers.Relay> relay =
              config
                  .relayImageFor(manifest)
                  .map(
                      relayImage ->
                          new JobContainers.Relay(relayImage, store.socketOf(plan.name(), config)));
          started.add(containers.start(plan, provision.imageName(), secrets, relay));
          addresses.add(
              relay.map(r -> "unix:" + r.socket()).orElse("127.0.0.1:" + plan.hostPort()));
        }
        for (int i = 0; i < started.size(); i++) {
          String id = started.get(i);
          probe.awaitReady(
              JobProbe.baseUrl(addresses.get(i)),
              provision.deploymentTimestamp(),
              provision.readinessTimeout(),
              () -> containers.healthy(id),
              i == 0 ? () -> phases.accept("initializing Job entrypoint") : () -> {});
        }
      } catch (RuntimeException e) {
        String logs = started.isEmpty() ? "" : containers.logs(started.getFirst(), 20);
        for (int i = 0; i < started.size(); i++) {
          containers.remove(started.get(i));
        }
        plans.forEach(p -> removeRelay(p.name()));
        plans.forEach(p -> store.deleteContainerSecrets(resource, p.name()));
        throw new JobStartException(
            e.getMessage() + "\nRecent logs of the job:\n" + logs.strip(), e);
      }
      store.writeCurrent(resource, provision.deploymentTimestamp());
      previous.stream()
          .filter(c -> timestamp(c) != provision.deploymentTimestamp())
          .forEach(c -> removeContainer(resource, c));
      return new DeployedJob(addresses.getFirst(), addresses, Map.of("number_of_restarts", 0));
    }
  }

  @Override
  public void delete(String jobName, String jobVersion) {
    String resource = Manifest.resourceName(jobName, jobVersion);
    synchronized (locks.computeIfAbsent(resource, k -> new Object())) {
      containers
          .list(name, Optional.of(jobName), Optional.of(jobVersion))
          .forEach(c -> removeContainer(resource, c));
      store.deleteAll(resource);
    }
  }

  private void removeContainer(String resource, Container c) {
    containers.remove(c.getId());
    Optional.ofNullable(c.getNames())
        .filter(n -> n.length > 0)
        .map(n -> n[0].replaceFirst("^/", ""))
        .ifPresent(
            container -> {
              removeRelay(container);
              store.deleteContainerSecrets(resource, container);
            });
  }

  /** Removes the relay of a job container, if it has one, and its socket directory. */
  private void removeRelay(String container) {
    containers.remove(JobContainers.relayName(container));
    store.deleteSocket(container);
  }

  private static String address(Container c) {
    String socket = c.getLabels().get(ContainerPlan.LABEL_SOCKET);
    return socket != null
        ? "unix:" + socket
        : "127.0.0.1:" + c.getLabels().get(ContainerPlan.LABEL_PORT);
  }

  /** Relays whose job container is gone (a crash between starting the two). */
  private void removeOrphanRelays() {
    for (Container relay : containers.relays(name)) {
      String job = relay.getLabels().getOrDefault(ContainerPlan.LABEL_RELAY_OF, "");
      if (!job.isEmpty() && containers.inspect(job).isEmpty()) {
        LOG.warn("removing relay {} of the missing container {}", relay.getId(), job);
        containers.remove(relay.getId());
        store.deleteSocket(job);
      }
    }
  }

  /**
   * The state of every job version this target runs. An unreachable engine is an error, except
   * while this target has never been given a job (a machine without an engine stays quiet).
   */
  @Override
  public List<JobState> list() {
    List<Container> all;
    try {
      all = containers.list(name, Optional.empty(), Optional.empty());
    } catch (RuntimeException e) {
      if (store.isEmpty()) {
        return List.of();
      }
      throw e;
    }
    Map<String, List<Container>> byJob =
        all.stream().collect(Collectors.groupingBy(DockerTarget::resource));
    List<JobState> states = new ArrayList<>();
    byJob.forEach(
        (resource, list) -> {
          long current = store.current(resource).orElse(newest(list));
          List<Container> replicas =
              list.stream()
                  .filter(c -> timestamp(c) == current)
                  .sorted(Comparator.comparing(c -> c.getLabels().get(ContainerPlan.LABEL_REPLICA)))
                  .toList();
          if (!replicas.isEmpty()) {
            states.add(state(replicas));
          }
        });
    return states;
  }

  private JobState state(List<Container> replicas) {
    Map<String, String> labels = replicas.getFirst().getLabels();
    List<String> addresses = replicas.stream().map(DockerTarget::address).toList();
    int restarts = 0;
    Optional<String> problem = Optional.empty();
    for (Container c : replicas) {
      Optional<InspectContainerResponse> inspected = containers.inspect(c.getId());
      restarts += inspected.map(InspectContainerResponse::getRestartCount).orElse(0);
      if (!"running".equals(c.getState()) && problem.isEmpty()) {
        problem = Optional.of("container " + c.getState() + ": " + c.getStatus());
      }
    }
    Map<String, Object> stats = Map.of("number_of_restarts", restarts);
    String job = labels.get(ContainerPlan.LABEL_NAME);
    String version = labels.get(ContainerPlan.LABEL_VERSION);
    if (problem.isPresent()) {
      return new JobState(
          job,
          version,
          JobStatus.ERROR,
          problem,
          addresses.getFirst(),
          addresses,
          stats,
          OptionalLong.empty());
    }
    JobProbe.Health health = probe.probe(JobProbe.baseUrl(addresses.getFirst()));
    return new JobState(
        job,
        version,
        health.ready() ? JobStatus.RUNNING : JobStatus.ERROR,
        health.error(),
        addresses.getFirst(),
        addresses,
        stats,
        health.lastCallTime());
  }

  private List<Container> current(String jobName, String jobVersion) {
    List<Container> list = containers.list(name, Optional.of(jobName), Optional.of(jobVersion));
    if (list.isEmpty()) {
      return list;
    }
    long current = store.current(Manifest.resourceName(jobName, jobVersion)).orElse(newest(list));
    return list.stream().filter(c -> timestamp(c) == current).toList();
  }

  @Override
  public String recentLogs(String jobName, String jobVersion, int tail) {
    return current(jobName, jobVersion).stream()
        .map(c -> containers.logs(c.getId(), tail))
        .collect(Collectors.joining());
  }

  @Override
  public Closeable followLogs(
      String jobName, String jobVersion, int tail, Consumer<String> onLine) {
    List<Closeable> follows =
        current(jobName, jobVersion).stream()
            .map(c -> containers.follow(c.getId(), tail, onLine))
            .toList();
    return () -> {
      for (Closeable follow : follows) {
        follow.close();
      }
    };
  }

  @Override
  public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {
    store.writeSecrets(Manifest.resourceName(jobName, jobVersion), secrets);
  }

  @Override
  public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
    return store.readSecrets(Manifest.resourceName(jobName, jobVersion));
  }

  @Override
  public void close() {
    containers.close(); // the engine keeps the containers running
  }

  private static String resource(Container c) {
    return Manifest.resourceName(
        c.getLabels().get(ContainerPlan.LABEL_NAME),
        c.getLabels().get(ContainerPlan.LABEL_VERSION));
  }

  private static long timestamp(Container c) {
    try {
      return Long.parseLong(c.getLabels().getOrDefault(ContainerPlan.LABEL_TIMESTAMP, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long newest(List<Container> list) {
    return list.stream().mapToLong(DockerTarget::timestamp).max().orElse(0);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port: " + e.getMessage(), e);
    }
  }
}
