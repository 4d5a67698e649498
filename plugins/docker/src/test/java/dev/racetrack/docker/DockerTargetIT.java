package dev.racetrack.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.testsupport.Containers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker target against the real engine and registry of the container test environment. */
class DockerTargetIT {
  private static final String CALL_SECRET = "secret-pub-presents";
  private static final String MY_SECRET = "s3cr3t-value-'quoted'-$HOME";
  private static final String TARGET = "dt-it-" + ProcessHandle.current().pid();

  private static Containers env;
  private static DockerClient docker;
  private static String image;

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private final SecretBox box = new SecretBox(new byte[32]);
  private final List<DockerTarget> targets = new ArrayList<>();

  @BeforeAll
  static void buildImage() throws Exception {
    env = Containers.require();
    docker = DockerInfrastructurePlugin.client(DockerConfig.fromEnv(dockerEnv()));
    image = TestImages.contractJob(docker, env, "dt-it/contract-job");
  }

  @AfterAll
  static void closeClient() throws Exception {
    if (docker != null) {
      docker.close();
    }
  }

  @AfterEach
  void removeEverything() {
    if (docker == null) {
      return;
    }
    for (Container c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(ContainerPlan.LABEL_TARGET, TARGET))
            .exec()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
    }
    for (Container c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(ContainerPlan.LABEL_RELAY_TARGET, TARGET))
            .exec()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
    }
    targets.forEach(DockerTarget::close);
    // the plain secrets files of containers removed here, not through the target
    FileTrees.delete(DockerStore.plainSecretsDir(Path.of("/dev/shm"), tmp.resolve("docker")));
  }

  private static Map<String, String> dockerEnv() {
    Map<String, String> e = new HashMap<>();
    e.put("DOCKER_HOST", env.dockerHost());
    e.put("DOCKER_REGISTRY", env.registry());
    e.put("DOCKER_REGISTRY_USERNAME", env.registryUser());
    e.put("DOCKER_REGISTRY_PASSWORD", env.registryPassword());
    e.put("DOCKER_TARGET_NETWORK", "host");
    return e;
  }

  private DockerTarget target() {
    return target(Map.of());
  }

  private DockerTarget target(Map<String, String> extraEnv) {
    Map<String, String> e = new HashMap<>(dockerEnv());
    e.putAll(extraEnv);
    DockerTarget target =
        (DockerTarget)
            new DockerInfrastructurePlugin(TARGET)
                .create(new PluginContext(tmp.resolve("docker"), box, e, Clock.systemUTC(), http));
    targets.add(target);
    return target;
  }

  private static Manifest manifest(String version, int replicas) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", "contract");
    raw.put("version", version);
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("replicas", replicas);
    raw.put("resources", Map.of("memory_max", "128Mi", "memory_min", "64Mi", "cpu_max", "500m"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private static JobProvision provision(
      Manifest manifest, long timestamp, Map<String, String> runtime) {
    return new JobProvision(
        manifest,
        image,
        timestamp,
        Map.of(
            "JOB_NAME", manifest.name(),
            "JOB_VERSION", manifest.version(),
            "JOB_DEPLOYMENT_TIMESTAMP", Long.toString(timestamp),
            "AUTH_TOKEN", "family-token-value",
            "RACETRACK_JOB_CALL_SECRET", CALL_SECRET),
        runtime,
        Map.of("MY_SECRET", MY_SECRET),
        Duration.ofSeconds(60));
  }

  private HttpResponse<String> perform(String address, Optional<String> secret) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + address + "/api/v1/perform"))
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    secret.ifPresent(s -> request.header("X-Racetrack-Job-Secret", s));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<InspectContainerResponse> inspectAll(String version) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of(ContainerPlan.LABEL_TARGET, TARGET, ContainerPlan.LABEL_VERSION, version))
        .exec()
        .stream()
        .map(c -> docker.inspectContainerCmd(c.getId()).exec())
        .toList();
  }

  @Test
  void deploy_withTwoReplicas_servesCallsWithTheSecretOnlyAsNonRootOnReadOnlyRoot()
      throws Exception {
    DeployedJob job =
        target().deploy(provision(manifest("1.0.0", 2), 1000, Map.of("GREETING", "hi")), p -> {});

    assertThat(job.replicaInternalNames()).hasSize(2);
    for (String replica : job.replicaInternalNames()) {
      HttpResponse<String> answer = perform(replica, Optional.of(CALL_SECRET));
      assertThat(answer.statusCode()).isEqualTo(200);
      Map<String, Object> body = Json.mapper().readValue(answer.body(), Map.class);
      assertThat(body)
          .containsEntry("uid", 65534)
          .containsEntry("my_secret", MY_SECRET)
          .containsEntry("greeting", "hi")
          .containsEntry("root_writable", false);
      assertThat(perform(replica, Optional.empty()).statusCode()).isEqualTo(401);
      assertThat(perform(replica, Optional.of("a-guess")).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void deploy_always_appliesLimitsSecurityOptionsAndLabelsAndKeepsSecretsOutOfInspect() {
    target().deploy(provision(manifest("1.0.1", 1), 1000, Map.of()), p -> {});

    InspectContainerResponse c = inspectAll("1.0.1").getFirst();
    assertThat(c.getConfig().getLabels())
        .containsEntry("racetrack/job", "true")
        .containsEntry("racetrack/job-name", "contract")
        .containsEntry("racetrack/job-version", "1.0.1");
    assertThat(c.getConfig().getUser()).isEqualTo("65534:65534");
    assertThat(c.getHostConfig().getReadonlyRootfs()).isTrue();
    assertThat(c.getHostConfig().getCapDrop()).containsExactly(Capability.ALL);
    assertThat(c.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
    assertThat(c.getHostConfig().getMemory()).isEqualTo(128L << 20);
    assertThat(c.getHostConfig().getMemoryReservation()).isEqualTo(64L << 20);
    assertThat(c.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(c.getHostConfig().getRestartPolicy().getName()).isEqualTo("unless-stopped");
    assertThat(c.getHostConfig().getTmpFs()).containsKey("/tmp");
    String inspected = Json.write(docker.inspectContainerCmd(c.getId()).exec());
    assertThat(inspected)
        .doesNotContain("s3cr3t-value")
        .doesNotContain(CALL_SECRET)
        .doesNotContain("family-token-value");
    assertThat(String.join("\n", c.getConfig().getEnv()))
        .contains("JOB_NAME=contract")
        .doesNotContain("MY_SECRET")
        .doesNotContain("AUTH_TOKEN");
  }

  /** Issue #7 §1: the plain secrets file a container mounts is in memory, never on the disk. */
  @Test
  void deploy_keepsThePlainSecretsFileOnATmpfs_andNoPlaintextSecretInTheDataDir() throws Exception {
    target().deploy(provision(manifest("1.0.7", 1), 1000, Map.of()), p -> {});

    InspectContainerResponse c = inspectAll("1.0.7").getFirst();
    Path source =
        java.util.Arrays.stream(c.getHostConfig().getBinds())
            .filter(b -> b.getVolume().getPath().equals(ContainerPlan.SECRETS_PATH))
            .map(b -> Path.of(b.getPath()))
            .findFirst()
            .orElseThrow();
    assertThat(Files.getFileStore(source).type()).as(source.toString()).isEqualTo("tmpfs");
    assertThat(Files.readString(source)).contains("MY_SECRET=");
    try (var files = Files.walk(tmp.resolve("docker"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(file.toString())
            .doesNotContain("s3cr3t-value")
            .doesNotContain(CALL_SECRET)
            .doesNotContain("family-token-value");
      }
    }

    target().delete("contract", "1.0.7");
    assertThat(source).doesNotExist();
  }

  @Test
  void killedContainer_isRestartedAndCounted() throws Exception {
    DockerTarget target = target();
    DeployedJob job = target.deploy(provision(manifest("1.0.2", 1), 1000, Map.of()), p -> {});
    long pid = inspectAll("1.0.2").getFirst().getState().getPidLong();

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions() // the port is closed while the engine restarts the container
        .untilAsserted(
            () -> {
              assertThat(inspectAll("1.0.2").getFirst().getRestartCount()).isGreaterThan(0);
              assertThat(perform(job.internalName(), Optional.of(CALL_SECRET)).statusCode())
                  .isEqualTo(200);
            });
    JobState state = target.list().getFirst();
    assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
    assertThat((Integer) state.stats().get("number_of_restarts")).isGreaterThan(0);
  }

  @Test
  void newTargetInstance_adoptsRunningContainersWithTheirSecretsAndLogs() throws Exception {
    DockerTarget first = target();
    DeployedJob job = first.deploy(provision(manifest("1.0.3", 1), 1000, Map.of()), p -> {});
    first.saveSecrets(
        "contract",
        "1.0.3",
        new JobSecrets(Optional.empty(), Map.of(), Map.of("MY_SECRET", MY_SECRET)));
    first.close();

    DockerTarget second = target();

    assertThat(second.list())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.status()).isEqualTo(JobStatus.RUNNING);
              assertThat(s.internalName()).isEqualTo(job.internalName());
            });
    assertThat(second.secrets("contract", "1.0.3").orElseThrow().runtimeEnv())
        .containsEntry("MY_SECRET", MY_SECRET);
    assertThat(second.recentLogs("contract", "1.0.3", 10)).contains("contract job listening");
  }

  @Test
  void redeploy_replacesTheOldContainersOnlyOnceTheNewOnesAreReady() throws Exception {
    DockerTarget target = target();
    target.deploy(provision(manifest("1.0.4", 1), 1000, Map.of()), p -> {});
    List<String> phases = new CopyOnWriteArrayList<>();

    DeployedJob second =
        target.deploy(provision(manifest("1.0.4", 1), 2000, Map.of()), phases::add);

    assertThat(phases).containsExactly("starting Job server", "initializing Job entrypoint");
    assertThat(inspectAll("1.0.4"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getConfig().getLabels())
                    .containsEntry(ContainerPlan.LABEL_TIMESTAMP, "2000"));
    assertThat(perform(second.internalName(), Optional.of(CALL_SECRET)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void deploy_whenTheJobCrashesAtStart_failsWithItsLogsAndLeavesNothing() {
    DockerTarget target = target();

    assertThatThrownBy(
            () ->
                target.deploy(
                    provision(manifest("1.0.5", 1), 1000, Map.of("CRASH_AT_START", "1")), p -> {}))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("crashing as asked");
    assertThat(inspectAll("1.0.5")).isEmpty();
  }

  @Test
  void delete_removesContainersAndStoredFiles() throws Exception {
    DockerTarget target = target();
    DeployedJob job = target.deploy(provision(manifest("1.0.6", 2), 1000, Map.of()), p -> {});
    target.saveSecrets("contract", "1.0.6", JobSecrets.none());

    target.delete("contract", "1.0.6");

    assertThat(inspectAll("1.0.6")).isEmpty();
    assertThat(target.list()).isEmpty();
    assertThat(target.secrets("contract", "1.0.6")).isEmpty();
    assertThat(
            Files.exists(
                tmp.resolve("docker/jobs").resolve(Manifest.resourceName("contract", "1.0.6"))))
        .isFalse();
    assertThatThrownBy(() -> perform(job.internalName(), Optional.of(CALL_SECRET)))
        .isInstanceOf(java.io.IOException.class);
  }

  /**
   * Issue #7 §1: behind a relay, a job (here a python3 one, relayed because the target relays every
   * job: {@code DOCKER_TARGET_RELAY=all}; by default only job types without the platform's wrapper
   * are) gets a network namespace of its own; only the relay's Unix socket, which PUB connects to,
   * reaches it, and a local process calling its port finds nothing there.
   */
  @Test
  void deploy_behindARelay_jobIsReachableOnlyThroughItsRelaysSocket() throws Exception {
    int port = freePort();
    DockerTarget target =
        target(
            Map.of(
                "DOCKER_TARGET_RELAY", "all",
                "DOCKER_TARGET_RELAY_IMAGE", env.pythonBase(),
                "DOCKER_TARGET_CONTAINER_PORT", Integer.toString(port)));

    DeployedJob job = target.deploy(provision(manifest("1.1.0", 1), 1000, Map.of()), p -> {});

    assertThat(job.internalName()).startsWith("unix:");
    Path socket = Path.of(job.internalName().substring("unix:".length()));
    String answer = performOverSocket(socket, CALL_SECRET);
    assertThat(answer).startsWith("HTTP/1.1 200").contains("\"uid\": 65534");
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .as("nothing listens on the job's port outside its namespace")
        .isInstanceOf(ConnectException.class);
    InspectContainerResponse inspected = inspectAll("1.1.0").getFirst();
    InspectContainerResponse relay =
        docker.inspectContainerCmd(inspected.getName().substring(1) + "-relay").exec();
    assertThat(relay.getHostConfig().getNetworkMode()).isEqualTo("none");
    assertThat(inspected.getHostConfig().getNetworkMode()).isEqualTo("container:" + relay.getId());
    assertThat(relay.getConfig().getUser()).isEqualTo("65534:65534");
    assertThat(relay.getHostConfig().getReadonlyRootfs()).isTrue();
    assertThat(target.list())
        .singleElement()
        .satisfies(s -> assertThat(s.status()).as(s.toString()).isEqualTo(JobStatus.RUNNING));

    target.delete("contract", "1.1.0");
    assertThat(
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ContainerPlan.LABEL_RELAY_TARGET, TARGET))
                .exec())
        .isEmpty();
    assertThat(socket.getParent()).doesNotExist();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A call as PUB makes it, through the Unix socket. */
  private static String performOverSocket(Path socket, String secret) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      String request =
          "POST /api/v1/perform HTTP/1.0\r\nHost: localhost\r\nX-Racetrack-Job-Secret: "
              + secret
              + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
