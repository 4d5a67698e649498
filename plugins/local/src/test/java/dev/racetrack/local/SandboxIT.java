package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobState;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.spi.SandboxException;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on the local target are confined: laid out as the platform lays out its data directory, a
 * job tries to reach the keys, the platform's process and other jobs.
 */
class SandboxIT {
  private static final String KEY = "TOPSECRETKEYMATERIAL";

  /** A job reporting everything it can reach (an exception's name where it cannot). */
  private static final String PROBE =
      """
          def perform(self, pid, other, data, key, marker):
              import pathlib
              found = {}
              def attempt(name, read):
                  try:
                      found[name] = read()
                  except Exception as e:
                      found[name] = 'DENIED ' + type(e).__name__
              here = pathlib.Path.cwd()
              for parent in [here, *here.parents]:
                  attempt('key via ' + str(parent), lambda: (parent / 'keys/auth_key').read_text())
              attempt('key', lambda: open(key).read())
              attempt('init environ', lambda: open('/proc/1/environ').read())
              attempt('platform environ', lambda: open('/proc/%d/environ' % pid).read())
              attempt('platform cmdline', lambda: open('/proc/%d/cmdline' % pid).read())
              attempt('other job', lambda: os.listdir(other))
              attempt('data dir', lambda: os.listdir(data))
              attempt('host tmp', lambda: open(marker).read())
              attempt('pids', lambda: [int(p) for p in os.listdir('/proc') if p.isdigit()])
              attempt('own file', lambda: open('job.py').read()[:9])
              def tmp():
                  pathlib.Path(marker + '-job').write_text('mine')
                  return open(marker + '-job').read()
              attempt('tmp', tmp)
              return found
      """;

  @TempDir Path tmp;
  private Path data;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<LocalTarget> targets = new ArrayList<>();

  @BeforeEach
  void layOutTheDataDir() throws IOException {
    Tools.require("python3");
    Tools.require("bwrap");
    data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(Files.createDirectories(data.resolve("keys")).resolve("auth_key"), KEY);
    Files.writeString(
        Files.createDirectories(data.resolve("build-logs")).resolve("d1.log"), "log " + KEY);
  }

  @AfterEach
  void cleanUp() {
    for (LocalTarget target : targets) {
      for (JobState state : target.list()) {
        target.delete(state.name(), state.version());
      }
      target.close();
    }
  }

  private LocalTarget target(String path) {
    return target(path, Map.of());
  }

  private LocalTarget target(String path, Map<String, String> settings) {
    return target(path, settings, true);
  }

  private LocalTarget target(String path, Map<String, String> settings, boolean cgroups) {
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(
        Map.of(
            "PATH",
            path,
            "HOME",
            System.getProperty("user.home"),
            "RACETRACK_DATA_DIR",
            data.toString()));
    LocalTarget target =
        new LocalInfrastructurePlugin()
            .create(
                new PluginContext(
                    data.resolve("infrastructure/local"),
                    new SecretBox(new byte[32]),
                    env,
                    Clock.systemUTC(),
                    http),
                cgroups);
    targets.add(target);
    return target;
  }

  private static Manifest manifest(String name) {
    return manifest(name, Map.of());
  }

  private static Manifest manifest(String name, Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>(extra);
    raw.put("name", name);
    raw.put("version", "1.0.0");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  /** Builds as the image builder does: source in workspaces/, artifact in artifacts/. */
  private Path artifact(Manifest manifest, String classBody) throws IOException {
    Path source = Files.createDirectories(data.resolve("workspaces").resolve(manifest.name()));
    Files.writeString(source.resolve("job.py"), "import os\n\nclass Job:\n" + classBody);
    Path artifact =
        Files.createDirectories(
            data.resolve("artifacts").resolve(manifest.name()).resolve("1.0.0/t1"));
    Map<String, String> tools =
        Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"));
    LaunchSpec spec =
        new Python3JobType()
            .buildLocal(
                new JobBuild(
                    manifest,
                    source,
                    artifact,
                    Map.of(),
                    tools,
                    BuildProgress.discard(),
                    Sandbox.create(
                        Sandbox.Mode.BWRAP, List.of(data), p -> Sandbox.onPath(tools, p))));
    Files.writeString(artifact.resolve("launch.json"), Json.write(spec));
    return artifact;
  }

  /** What PUB would present (the wrapper performs only for it). */
  private static final String CALL_SECRET = JobCallFixture.CALL_SECRET;

  private static JobProvision provision(Manifest manifest, Path artifact) {
    return new JobProvision(
        manifest,
        artifact.toString(),
        1,
        Map.of(
            "JOB_NAME",
            manifest.name(),
            "JOB_VERSION",
            manifest.version(),
            "JOB_DEPLOYMENT_TIMESTAMP",
            "1",
            "RACETRACK_JOB_CALL_SECRET",
            CALL_SECRET),
        Map.of(),
        Map.of(),
        Duration.ofSeconds(30));
  }

  @Test
  void job_seesItsOwnFilesAndPrivateTmp_butNoKeyPlatformProcessOrOtherJob() throws Exception {
    LocalTarget target = target(System.getenv("PATH"));
    Manifest otherJob = manifest("other");
    Path otherArtifact = artifact(otherJob, "    def perform(self):\n        return 1\n");
    target.deploy(provision(otherJob, otherArtifact), p -> {});
    Manifest prober = manifest("prober");
    DeployedJob job = target.deploy(provision(prober, artifact(prober, PROBE)), p -> {});
    Path marker = Path.of("/tmp", "racetrack-sandbox-it-" + System.nanoTime());
    Files.writeString(marker, "host tmp");
    String body;
    try {
      body =
          call(
              job,
              prober,
              Json.write(
                  Map.of(
                      "pid", ProcessHandle.current().pid(),
                      "other", otherArtifact.toString(),
                      "data", data.toString(),
                      "key", data.resolve("keys/auth_key").toString(),
                      "marker", marker.toString())));
    } finally {
      Files.delete(marker);
    }

    assertThat(body).doesNotContain(KEY);
    JsonNode found = Json.mapper().readTree(body);
    assertThat(found.path("key").asText()).startsWith("DENIED");
    assertThat(found.path("platform environ").asText()).startsWith("DENIED");
    assertThat(found.path("platform cmdline").asText()).startsWith("DENIED");
    assertThat(found.path("init environ").asText()).contains("JOB_NAME=prober");
    assertThat(found.path("other job").asText()).startsWith("DENIED");
    assertThat(found.path("data dir").toString())
        .doesNotContain("keys", "build-logs", "infrastructure", "workspaces");
    assertThat(found.path("host tmp").asText()).startsWith("DENIED");
    assertThat(found.path("pids").toString()).doesNotContain(ProcessHandle.current().pid() + "");
    assertThat(found.path("pids").size()).isLessThanOrEqualTo(3);
    assertThat(found.path("own file").asText()).isEqualTo("import os");
    assertThat(found.path("tmp").asText()).isEqualTo("mine");
    assertThat(Path.of(marker + "-job")).doesNotExist();
  }

  @Test
  void deploy_whenBwrapIsMissing_isRefusedNamingTheInstallCommand() throws Exception {
    Manifest manifest = manifest("refused");
    Path artifact = artifact(manifest, "    def perform(self):\n        return 1\n");
    LocalTarget target = target("/nonexistent-bin"); // bwrap is looked up on the platform's PATH

    assertThatThrownBy(() -> target.deploy(provision(manifest, artifact), p -> {}))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("apt-get install bubblewrap");
    assertThat(target.list()).isEmpty();
    for (String controller : List.of("cpu", "pids")) {
      assertThat(
              ownCgroup(controller)
                  .resolve("racetrack")
                  .resolve(scope())
                  .resolve(manifest.resourceName()))
          .as("no cgroup is left behind by a refused start")
          .doesNotExist();
    }
  }

  @Test
  void deploy_withMemoryMax_withoutAMemoryCgroup_limitsTheJobsDataSize() throws Exception {
    // the fallback of a machine without manageable cgroups, on any machine: a target that manages
    // none
    Manifest manifest = manifest("hungry", Map.of("resources", Map.of("memory_max", "128Mi")));
    Path artifact =
        artifact(
            manifest,
            "    def perform(self, mib):\n        return len(bytearray(mib * 1024 * 1024))\n");
    DeployedJob job =
        target(System.getenv("PATH"), Map.of(), false)
            .deploy(provision(manifest, artifact), p -> {});

    assertThat(call(job, manifest, "{\"mib\": 16}")).isEqualTo(Long.toString(16L << 20));
    HttpResponse<String> tooMuch = send(job, manifest, "{\"mib\": 512}");
    assertThat(tooMuch.statusCode()).isEqualTo(500);
    assertThat(tooMuch.body()).contains("MemoryError");
  }

  @Test
  void deploy_withMemoryMax_jobAllocatingOverIt_isOomKilledReportedAndRestarted() throws Exception {
    requireMemoryCgroup();
    Manifest manifest = manifest("hog", Map.of("resources", Map.of("memory_max", "128Mi")));
    Path artifact =
        artifact(
            manifest,
            "    def perform(self, mib):\n        return len(b'x' * (mib * 1024 * 1024))\n");
    LocalTarget target = target(System.getenv("PATH"));
    DeployedJob job = target.deploy(provision(manifest, artifact), p -> {});
    Path memory =
        ownCgroup("memory").resolve("racetrack").resolve(scope()).resolve(manifest.resourceName());
    assertThat(memory.resolve("memory.limit_in_bytes")).hasContent(Long.toString(128L << 20));
    assertThat(call(job, manifest, "{\"mib\": 16}")).isEqualTo(Long.toString(16L << 20));

    try {
      HttpResponse<String> tooMuch = send(job, manifest, "{\"mib\": 512}");
      assertThat(tooMuch.statusCode()).as(tooMuch.body()).isNotEqualTo(200);
    } catch (IOException killedMidCall) {
      // the connection dies with the process
    }

    JobState crashed =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> target.list().getFirst(),
                s -> s.stats().getOrDefault("last_crash", "").toString().contains("OOM killer"));
    assertThat(crashed.stats().get("last_crash").toString())
        .contains("memory limit of " + (128L << 20) + " bytes (resources.memory_max)");
    await() // restarted after a back-off of a second
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(call(job, manifest, "{\"mib\": 1}")).isEqualTo("1048576"));
    assertThat(((Number) target.list().getFirst().stats().get("number_of_restarts")).intValue())
        .isEqualTo(1);
  }

  /** A job forking sleeping children until a fork fails; it reaps them before answering. */
  private static final String FORKER =
      """
          def perform(self, attempts):
              import signal, time
              children, error = [], 'none'
              try:
                  for _ in range(attempts):
                      pid = os.fork()
                      if pid == 0:
                          time.sleep(60)
                          os._exit(0)
                      children.append(pid)
              except OSError as e:
                  error = type(e).__name__
              for pid in children:
                  os.kill(pid, signal.SIGKILL)
                  os.waitpid(pid, 0)
              return {'forked': len(children), 'error': error}
      """;

  @Test
  void deploy_withProcessCap_failsForksBeyondIt_andTheJobKeepsAnswering() throws Exception {
    requireCgroups();
    Manifest manifest = manifest("forker");
    Path artifact = artifact(manifest, FORKER);
    DeployedJob job =
        target(System.getenv("PATH"), Map.of("LOCAL_TARGET_MAX_PROCESSES", "24"))
            .deploy(provision(manifest, artifact), p -> {});

    JsonNode first = Json.mapper().readTree(call(job, manifest, "{\"attempts\": 100}"));
    assertThat(first.path("error").asText()).isEqualTo("BlockingIOError");
    assertThat(first.path("forked").asInt()).isBetween(1, 23);
    JsonNode again = Json.mapper().readTree(call(job, manifest, "{\"attempts\": 2}"));
    assertThat(again.path("forked").asInt()).isEqualTo(2);
    assertThat(again.path("error").asText()).isEqualTo("none");
  }

  @Test
  void deploy_withCpuMax_putsTheJobInItsCgroupWithThatQuota_andDeleteRemovesIt() throws Exception {
    requireCgroups();
    Manifest manifest = manifest("sipper", Map.of("resources", Map.of("cpu_max", "0.5")));
    Path artifact = artifact(manifest, "    def perform(self):\n        return 1\n");
    LocalTarget target = target(System.getenv("PATH"));
    target.deploy(provision(manifest, artifact), p -> {});

    String resource = manifest.resourceName();
    long pid =
        Json.mapper()
            .readTree(
                data.resolve("infrastructure/local/jobs")
                    .resolve(resource)
                    .resolve("state.json")
                    .toFile())
            .path("pid")
            .asLong();
    Path cpu = ownCgroup("cpu").resolve("racetrack").resolve(scope()).resolve(resource);
    Path pids = ownCgroup("pids").resolve("racetrack").resolve(scope()).resolve(resource);
    assertThat(pid).isPositive();
    assertThat(Files.readAllLines(cpu.resolve("cgroup.procs"))).contains(Long.toString(pid));
    assertThat(Files.readAllLines(pids.resolve("cgroup.procs"))).contains(Long.toString(pid));
    assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()).isEqualTo("100000");
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("50000");
    assertThat(Files.readString(pids.resolve("pids.max")).strip()).isEqualTo("256");

    target.delete(manifest.name(), manifest.version());
    assertThat(cpu).doesNotExist();
    assertThat(pids).doesNotExist();
  }

  private static boolean memoryCgroupWritable() {
    try {
      return Files.isWritable(ownCgroup("memory"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void requireMemoryCgroup() {
    Tools.requireThat(
        memoryCgroupWritable(), "a writable cgroup v1 memory controller (/sys/fs/cgroup/memory)");
  }

  private static void requireCgroups() {
    Tools.requireThat(
        Files.isWritable(Path.of("/sys/fs/cgroup/cpu"))
            && Files.isWritable(Path.of("/sys/fs/cgroup/pids")),
        "writable cgroup v1 cpu and pids controllers (/sys/fs/cgroup/cpu, /sys/fs/cgroup/pids)");
  }

  /** The cgroup directory of this test's target (its name and data directory). */
  private String scope() {
    return JobCgroups.scope("local", data.resolve("infrastructure/local"));
  }

  /** This process's cgroup directory in a v1 controller, from /proc/self/cgroup. */
  private static Path ownCgroup(String controller) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] parts = line.split(":", 3);
      if (List.of(parts[1].split(",")).contains(controller)) {
        return Path.of("/sys/fs/cgroup", controller, parts[2].substring(1));
      }
    }
    throw new IllegalStateException("no " + controller + " line in /proc/self/cgroup");
  }

  private String call(DeployedJob job, Manifest manifest, String body) throws Exception {
    HttpResponse<String> response = send(job, manifest, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> send(DeployedJob job, Manifest manifest, String body)
      throws Exception {
    return JobCallFixture.perform(http, job, manifest, body);
  }
}
