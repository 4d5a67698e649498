package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.http.HttpClient;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local target with real python job processes. */
class LocalTargetIT {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<LocalTarget> targets = new ArrayList<>();
  private final SecretBox secrets = new SecretBox(new byte[32]);

  @BeforeEach
  void needsPython() {
    Tools.require("python3");
  }

  /**
   * The test's targets stop watching first (one of them could restart a job this deletes), then a
   * fresh target deletes what is left and stops in turn.
   */
  @AfterEach
  void cleanUp() {
    targets.forEach(LocalTarget::close);
    targets.clear();
    LocalTarget target = target(Map.of());
    for (JobState state : target.list()) {
      target.delete(state.name(), state.version());
    }
    target.close();
  }

  private LocalTarget target(Map<String, String> env) {
    Map<String, String> full =
        new HashMap<>(
            Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")));
    full.putAll(env);
    LocalTarget target =
        (LocalTarget)
            new LocalInfrastructurePlugin()
                .create(
                    new PluginContext(
                        tmp.resolve("local"), secrets, full, Clock.systemUTC(), http));
    targets.add(target);
    return target;
  }

  private static Manifest manifest(String name, String version) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("name", name);
    raw.put("version", version);
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    raw.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  /** Builds a python job whose perform returns {@code body} (Python expression). */
  private Path artifact(Manifest manifest, String classBody) throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src-" + System.nanoTime()));
    Files.writeString(source.resolve("job.py"), "import os\n\nclass Job:\n" + classBody);
    Path artifact = Files.createDirectories(tmp.resolve("artifact-" + System.nanoTime()));
    LaunchSpec spec =
        new Python3JobType()
            .buildLocal(
                new JobBuild(
                    manifest,
                    source,
                    artifact,
                    Map.of(),
                    Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")),
                    BuildProgress.discard(),
                    Sandbox.create(
                        Sandbox.Mode.BWRAP,
                        List.of(tmp.resolve("local")),
                        p -> Sandbox.onPath(System.getenv(), p))));
    Files.writeString(artifact.resolve("launch.json"), Json.write(spec));
    return artifact;
  }

  /** The secret PUB would present to the job (the wrapper refuses calls without it). */
  private static final String CALL_SECRET = JobCallFixture.CALL_SECRET;

  private static final String ADDER =
      "    def perform(self, numbers):\n        return sum(numbers)\n    def env(self):\n        return dict(os.environ)\n";

  private JobProvision provision(
      Manifest manifest, Path artifact, long timestamp, Map<String, String> secretEnv) {
    return new JobProvision(
        manifest,
        artifact.toString(),
        timestamp,
        Map.of(
            "JOB_NAME",
            manifest.name(),
            "JOB_VERSION",
            manifest.version(),
            "JOB_DEPLOYMENT_TIMESTAMP",
            Long.toString(timestamp),
            "AUTH_TOKEN",
            "family-token",
            "RACETRACK_JOB_CALL_SECRET",
            CALL_SECRET),
        Map.of("GREETING", "hello"),
        secretEnv,
        Duration.ofSeconds(30));
  }

  private String call(DeployedJob job, Manifest manifest, String body) throws Exception {
    return JobCallFixture.perform(http, job, manifest, body).body();
  }

  @Test
  void deploy_startsTheJobOnLoopback_withItsEnvironmentOnly() throws Exception {
    Manifest manifest = manifest("adder", "1.0.0");
    LocalTarget target = target(Map.of("AUTH_KEY", "platform-secret"));
    List<String> phases = new ArrayList<>();
    DeployedJob job =
        target.deploy(
            provision(manifest, artifact(manifest, ADDER), 100, Map.of("DB_PASSWORD", "s3cret")),
            phases::add);

    assertThat(job.internalName()).startsWith("127.0.0.1:");
    assertThat(phases).containsExactly("starting Job server", "initializing Job entrypoint");
    assertThat(call(job, manifest, "{\"numbers\": [40, 2]}")).isEqualTo("42");
    String env = envOf(manifest);
    assertThat(env)
        .contains("GREETING")
        .contains("DB_PASSWORD")
        .contains("family-token")
        .doesNotContain("platform-secret");
    assertThat(target.list())
        .singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(JobStatus.RUNNING));
    Path stateDir = tmp.resolve("local/jobs/job-adder-v-1-0-0");
    assertThat(Files.readString(stateDir.resolve("env.enc")))
        .startsWith("v1:")
        .doesNotContain("s3cret");
  }

  private String envOf(Manifest manifest) throws Exception {
    // The fixture job has no env endpoint over HTTP; read it through the process's environ instead.
    long pid =
        Json.mapper()
            .readTree(tmp.resolve("local/jobs/" + manifest.resourceName() + "/state.json").toFile())
            .path("pid")
            .asLong();
    return Files.readString(Path.of("/proc", Long.toString(pid), "environ")).replace('\0', '\n');
  }

  @Test
  void deploy_whenEntrypointFails_reportsTheErrorWithLogs_andLeavesNoProcess() throws Exception {
    Manifest manifest = manifest("broken", "1.0.0");
    Path artifact =
        artifact(
            manifest,
            "    def __init__(self):\n        print('about to fail')\n        raise RuntimeError('no model file')\n    def perform(self):\n        return 1\n");
    LocalTarget target = target(Map.of());
    assertThatThrownBy(() -> target.deploy(provision(manifest, artifact, 1, Map.of()), p -> {}))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining("Job initialization error")
        .hasMessageContaining("no model file")
        .hasMessageContaining("Recent logs of the job");
    assertThat(target.list()).isEmpty();
  }

  @Test
  void redeploy_keepsThePreviousVersionServing_whenTheNewOneFails() throws Exception {
    Manifest manifest = manifest("steady", "1.0.0");
    LocalTarget target = target(Map.of());
    DeployedJob first =
        target.deploy(provision(manifest, artifact(manifest, ADDER), 1, Map.of()), p -> {});
    Path broken =
        artifact(
            manifest,
            "    def __init__(self):\n        raise ValueError('bad')\n    def perform(self):\n        return 0\n");
    assertThatThrownBy(() -> target.deploy(provision(manifest, broken, 2, Map.of()), p -> {}))
        .isInstanceOf(JobStartException.class);
    assertThat(call(first, manifest, "{\"numbers\": [1, 2]}")).isEqualTo("3");

    DeployedJob second =
        target.deploy(provision(manifest, artifact(manifest, ADDER), 3, Map.of()), p -> {});
    assertThat(second.internalName()).isNotEqualTo(first.internalName());
    assertThat(call(second, manifest, "{\"numbers\": [2, 2]}")).isEqualTo("4");
    assertThat(target.list()).hasSize(1);
  }

  @Test
  void crashedJob_isRestartedWithBackoff_andCounted() throws Exception {
    Manifest manifest = manifest("crashy", "1.0.0");
    LocalTarget target = target(Map.of());
    DeployedJob job =
        target.deploy(provision(manifest, artifact(manifest, ADDER), 1, Map.of()), p -> {});
    long pid = pid(manifest);
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(pid(manifest)).isNotEqualTo(pid));
    // The new pid is recorded when the process is spawned, before it listens: wait for the
    // target's own readiness probe (which reads "not listening yet" as not ready), then call.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(target.list())
                    .singleElement()
                    .satisfies(s -> assertThat(s.status()).isEqualTo(JobStatus.RUNNING)));
    assertThat(call(job, manifest, "{\"numbers\": [5]}")).isEqualTo("5");
    JobState state = target.list().getFirst();
    assertThat(state.stats()).containsEntry("number_of_restarts", 1);
    assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
  }

  /**
   * A crashed job's restart waits while the job is being deleted (here the test holds the job's
   * lock, as a delete does), then finds it stopped and starts nothing: no orphan process, and no
   * state written back for a deleted job (which the next platform would adopt and start).
   */
  @Test
  void delete_whileACrashedJobIsRestarting_leavesNothingRunning() throws Exception {
    Manifest manifest = manifest("racing", "1.0.0");
    LocalTarget target = target(Map.of());
    target.deploy(provision(manifest, artifact(manifest, ADDER), 1, Map.of()), p -> {});
    long pid = pid(manifest);
    Path jobDir = tmp.resolve("local/jobs/" + manifest.resourceName());

    synchronized (target.lock(manifest.resourceName())) {
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      // the restart comes about a second after the crash, and must wait for the lock
      await()
          .atMost(Duration.ofSeconds(15))
          .alias("the restart waits for the delete under way")
          .until(LocalTargetIT::restartWaitingForALock);
      target.delete("racing", "1.0.0");
    }

    await()
        .atMost(Duration.ofSeconds(15))
        .alias("the restart has ended")
        .until(() -> !restartWaitingForALock());
    assertThat(jobDir).as("nothing written back for the deleted job").doesNotExist();
    assertThat(target.list()).isEmpty();
    assertThat(processesIn(tmp)).as("processes left running").isEmpty();
  }

  private static boolean restartWaitingForALock() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("local-target") && t.getState() == Thread.State.BLOCKED);
  }

  /** Processes whose command line names a path under {@code dir} (a job and its sandbox). */
  private static List<ProcessHandle> processesIn(Path dir) {
    String under = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(under)).orElse(false))
        .toList();
  }

  @Test
  void newTarget_adoptsRunningJobs_insteadOfStartingDuplicates() throws Exception {
    Manifest manifest = manifest("survivor", "1.0.0");
    LocalTarget first = target(Map.of());
    DeployedJob job =
        first.deploy(provision(manifest, artifact(manifest, ADDER), 1, Map.of()), p -> {});
    long pid = pid(manifest);
    first.close();

    LocalTarget second = target(Map.of());
    assertThat(second.list())
        .singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(JobStatus.RUNNING));
    assertThat(pid(manifest)).isEqualTo(pid);
    assertThat(call(job, manifest, "{\"numbers\": [7]}")).isEqualTo("7");
  }

  @Test
  void delete_stopsTheProcess_andRemovesItsFilesAndSecrets() throws Exception {
    Manifest manifest = manifest("doomed", "1.0.0");
    LocalTarget target = target(Map.of());
    target.deploy(provision(manifest, artifact(manifest, ADDER), 1, Map.of()), p -> {});
    target.saveSecrets(
        "doomed", "1.0.0", new JobSecrets(Optional.empty(), Map.of("PIP_TOKEN", "t"), Map.of()));
    assertThat(target.secrets("doomed", "1.0.0"))
        .get()
        .extracting(JobSecrets::buildEnv)
        .isEqualTo(Map.of("PIP_TOKEN", "t"));
    long pid = pid(manifest);

    target.delete("doomed", "1.0.0");

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(tmp.resolve("local/jobs/job-doomed-v-1-0-0")).doesNotExist();
    assertThat(target.secrets("doomed", "1.0.0")).isEmpty();
    assertThat(target.list()).isEmpty();
  }

  @Test
  void logs_areKeptPerJob_andFollowable() throws Exception {
    Manifest manifest = manifest("chatty", "1.0.0");
    LocalTarget target = target(Map.of());
    DeployedJob job =
        target.deploy(
            provision(
                manifest,
                artifact(
                    manifest,
                    "    def perform(self, text):\n        print('said: ' + text, flush=True)\n        return text\n"),
                1,
                Map.of()),
            p -> {});
    List<String> followed = new CopyOnWriteArrayList<>();
    try (var follow = target.followLogs("chatty", "1.0.0", 0, followed::add)) {
      call(job, manifest, "{\"text\": \"hello\"}");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(followed).anyMatch(l -> l.contains("said: hello")));
    }
    assertThat(target.recentLogs("chatty", "1.0.0", 5)).contains("said: hello");
  }

  private long pid(Manifest manifest) throws IOException {
    return Json.mapper()
        .readTree(tmp.resolve("local/jobs/" + manifest.resourceName() + "/state.json").toFile())
        .path("pid")
        .asLong();
  }
}
