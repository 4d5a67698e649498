package dev.racetrack.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.JobStartException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The engine operations of the Docker target, through docker-java. */
final class JobContainers implements AutoCloseable {
  private final DockerClient docker;
  private final DockerConfig config;

  JobContainers(DockerClient docker, DockerConfig config) {
    this.docker = docker;
    this.config = config;
  }

  /**
   * Makes the image available (pulled with the registry's credentials unless a digest-pinned image
   * is present already) and returns its entrypoint followed by its command.
   */
  List<String> prepareImage(String image) {
    Optional<InspectImageResponse> local = Images.inspect(docker, image);
    if (local.isEmpty() || !image.contains("@")) {
      try {
        Images.pull(docker, config, image);
      } catch (RacetrackException e) {
        throw new JobStartException(e.getMessage(), e);
      }
      local = Images.inspect(docker, image);
    }
    InspectImageResponse inspected =
        local.orElseThrow(() -> new JobStartException("image " + image + " was not pulled"));
    List<String> command = new ArrayList<>();
    if (inspected.getConfig() != null) {
      Optional.ofNullable(inspected.getConfig().getEntrypoint())
          .map(List::of)
          .ifPresent(command::addAll);
      Optional.ofNullable(inspected.getConfig().getCmd()).map(List::of).ifPresent(command::addAll);
    }
    return command;
  }

  /** The relay's script ({@code relay.py}, next to this class). */
  private static final String RELAY_SCRIPT = relayScript();

  /** Where the relay's socket directory is mounted in the relay's container. */
  private static final String RELAY_DIR = "/run/racetrack-relay";

  private static String relayScript() {
    try (var in = JobContainers.class.getResourceAsStream("relay.py")) {
      if (in == null) {
        throw new IllegalStateException("relay.py is missing from the docker plugin");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A job's relay: its image (one with {@code python3}) and the Unix socket it listens on.
   *
   * @param image the relay container's image
   * @param socket where the relay creates the socket PUB connects to
   */
  record Relay(String image, Path socket) {}

  /** The relay container's name for a job container. */
  static String relayName(String container) {
    return container + "-relay";
  }

  /**
   * Creates and starts a container; returns its id. With {@code relay}, the job gets a network
   * namespace of its own (loopback only), owned by a relay container started first that exposes the
   * job's port as that Unix socket; nothing else reaches the job.
   */
  String start(ContainerPlan plan, String image, Path secretsFile, Optional<Relay> relay) {
    if (relay.isPresent()) {
      String relayId = startRelay(plan, relay.get());
      return startJob(
          plan, image, secretsFile, Optional.of(relayId), Optional.of(relay.get().socket()));
    }
    return startJob(plan, image, secretsFile, Optional.empty(), Optional.empty());
  }

  /**
   * The relay: same hardening as a job (non-root, read-only, no capabilities), a small memory and
   * process allowance, its socket directory the only thing mounted writable.
   */
  private String startRelay(ContainerPlan plan, Relay relay) {
    String relayImage = relay.image();
    Path socket = relay.socket();
    prepareImage(relayImage);
    remove(relayName(plan.name())); // a leftover of an interrupted start of the same name
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withReadonlyRootfs(true)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(64L << 20)
            .withMemorySwap(64L << 20)
            .withPidsLimit(16L)
            .withRestartPolicy(RestartPolicy.parse(config.restartPolicy()))
            .withBinds(
                new Bind(socket.getParent().toString(), new Volume(RELAY_DIR), AccessMode.rw));
    String id =
        docker
            .createContainerCmd(relayImage)
            .withName(relayName(plan.name()))
            .withLabels(
                Map.of(
                    ContainerPlan.LABEL_RELAY_OF,
                    plan.name(),
                    ContainerPlan.LABEL_RELAY_TARGET,
                    plan.labels().getOrDefault(ContainerPlan.LABEL_TARGET, "")))
            .withUser(config.user())
            .withEntrypoint(
                List.of(
                    "python3",
                    "-c",
                    RELAY_SCRIPT,
                    RELAY_DIR + "/" + socket.getFileName(),
                    Integer.toString(plan.listenPort())))
            .withCmd(List.of())
            .withHostConfig(host)
            .exec()
            .getId();
    docker.startContainerCmd(id).exec();
    return id;
  }

  private String startJob(
      ContainerPlan plan,
      String image,
      Path secretsFile,
      Optional<String> relay,
      Optional<Path> socket) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withReadonlyRootfs(true)
            .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=256m"))
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(plan.memoryBytes())
            .withMemorySwap(plan.memoryBytes())
            .withNanoCPUs(plan.nanoCpus())
            .withPidsLimit(config.pidsLimit())
            .withRestartPolicy(RestartPolicy.parse(config.restartPolicy()))
            .withBinds(
                new Bind(
                    secretsFile.toString(), new Volume(ContainerPlan.SECRETS_PATH), AccessMode.ro));
    if (plan.memoryReservationBytes() > 0) {
      host.withMemoryReservation(plan.memoryReservationBytes());
    }
    var create = docker.createContainerCmd(image);
    Map<String, String> labels = new java.util.TreeMap<>(plan.labels());
    if (relay.isPresent()) {
      host.withNetworkMode("container:" + relay.get());
      labels.put(ContainerPlan.LABEL_SOCKET, socket.orElseThrow().toString());
    } else if (config.hostNetwork()) {
      host.withNetworkMode(DockerConfig.HOST_NETWORK);
    } else {
      ExposedPort port = ExposedPort.tcp(plan.listenPort());
      host.withNetworkMode(config.network())
          .withPortBindings(
              new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", plan.hostPort()), port));
      create.withExposedPorts(port);
    }
    String id =
        create
            .withName(plan.name())
            .withLabels(labels)
            .withEnv(plan.env())
            .withUser(config.user())
            .withEntrypoint(plan.entrypoint())
            .withCmd(List.of())
            .withHostConfig(host)
            .exec()
            .getId();
    docker.startContainerCmd(id).exec();
    return id;
  }

  /** This target's containers (running or not), optionally of one job version. */
  List<Container> list(String target, Optional<String> name, Optional<String> version) {
    List<String> labels = new ArrayList<>();
    labels.add(ContainerPlan.LABEL_TARGET + "=" + target);
    name.ifPresent(n -> labels.add(ContainerPlan.LABEL_NAME + "=" + n));
    version.ifPresent(v -> labels.add(ContainerPlan.LABEL_VERSION + "=" + v));
    return docker.listContainersCmd().withShowAll(true).withFilter("label", labels).exec();
  }

  Optional<InspectContainerResponse> inspect(String id) {
    try {
      return Optional.of(docker.inspectContainerCmd(id).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Whether a container is up and has not crashed since it started. */
  boolean healthy(String id) {
    return inspect(id)
        .map(
            c ->
                Boolean.TRUE.equals(c.getState().getRunning())
                    && !Boolean.TRUE.equals(c.getState().getRestarting())
                    && Optional.ofNullable(c.getRestartCount()).orElse(0) == 0)
        .orElse(false);
  }

  /** Removes a container (by id or name) if it exists. */
  void remove(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // gone already
    }
  }

  /** The relays of this target's jobs, with the job containers they serve. */
  List<Container> relays(String target) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withFilter("label", List.of(ContainerPlan.LABEL_RELAY_TARGET + "=" + target))
        .exec();
  }

  /** The last {@code tail} lines of a container's output ({@code tail <= 0}: all). */
  String logs(String id, int tail) {
    StringBuilder out = new StringBuilder();
    var cmd = docker.logContainerCmd(id).withStdOut(true).withStdErr(true);
    if (tail > 0) {
      cmd.withTail(tail);
    } else {
      cmd.withTailAll();
    }
    try {
      cmd.exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (NotFoundException e) {
      return "";
    }
    return out.toString();
  }

  /** Follows a container's output line by line until the handle is closed. */
  Closeable follow(String id, int tail, Consumer<String> onLine) {
    var cmd = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true);
    if (tail > 0) {
      cmd.withTail(tail);
    } else {
      cmd.withTailAll();
    }
    ResultCallback.Adapter<Frame> callback =
        new ResultCallback.Adapter<>() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public void onNext(Frame frame) {
            partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
              onLine.accept(partial.substring(0, newline));
              partial.delete(0, newline + 1);
            }
          }
        };
    cmd.exec(callback);
    return () -> {
      try {
        callback.close();
      } catch (IOException e) {
        // closing a finished stream
      }
    };
  }

  @Override
  public void close() {
    try {
      docker.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
