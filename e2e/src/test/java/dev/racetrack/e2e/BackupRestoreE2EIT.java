package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore end to end (issue 14): a platform with the embedded database, a python and a
 * java job (one with a secret runtime variable), a user, an ESC with a token, a permission and
 * family grants is backed up with {@code racetrack admin backup} while calls run; the platform is
 * stopped, its jobs killed and its data directory wiped; damaged backups and a wrong passphrase are
 * refused without changing anything; {@code racetrack admin restore} brings the data directory
 * back, and after one start every job answers through PUB with the old tokens, the audit log and
 * deployment history are intact, and the secret is nowhere on disk in plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String PASSPHRASE = "e2e backup passphrase, kept apart";
  private static final Map<String, String> WITH_PASSPHRASE =
      Map.of("RACETRACK_BACKUP_PASSPHRASE", PASSPHRASE);
  private static final String SECRET = "e2e-secret-" + UUID.randomUUID();
  private static final String ADD = "{\"numbers\": [40, 2]}";

  @TempDir static Path home;

  private PlatformProcess platform;
  private final HttpClient http = HttpClient.newHttpClient();
  private String admin;
  private String user;
  private String esc;
  private Path backup;
  private Set<String> permissionsBefore;
  private Set<String> escsBefore;
  private Set<String> usersBefore;
  private Map<String, String> auditBefore;
  private Map<String, String> deploymentsBefore;
  private String buildLogsBefore;
  private List<Long> jobPidsBefore;

  @BeforeAll
  void startPlatform() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    assertThat(DIST.resolve("lib"))
        .as("distribution (mvn package of the server module)")
        .isDirectory();
    platform = new PlatformProcess(DIST, home, Map.of());
    platform.start();
    backup = home.resolve("backups/platform.rtbackup");
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void setUp_jobsUsersEscPermissionsAndGrants() throws Exception {
    admin = platform.loginAsAdmin();
    Path adder = home.resolve("python-adder");
    copyTree(SAMPLES.resolve("python-adder"), adder);
    Files.writeString(
        adder.resolve("job.yaml"),
        Files.readString(adder.resolve("job.yaml")) + "secret_runtime_env_file: secret.env\n");
    Files.writeString(adder.resolve("secret.env"), "ADDER_SECRET=" + SECRET + "\n");
    for (Path job : List.of(adder, SAMPLES.resolve("java-adder"))) {
      PlatformProcess.CliResult deploy = platform.cli("", "deploy", job.toString());
      assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    }

    post(
        "/api/v1/users/register",
        Map.of("username", "ada@example.com", "password", "ada has a long phrase"));
    HttpResponse<String> activated =
        send(
            HttpRequest.newBuilder(
                    URI.create(platform.lifecycleUrl() + "/api/v1/users/ada@example.com"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": true}")),
            admin);
    assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
    user =
        json(post(
                "/api/v1/users/login",
                Map.of("username", "ada@example.com", "password", "ada has a long phrase")))
            .path("token")
            .asText();

    post("/api/v1/escs", Map.of("name", "billing", "id", "billing"));
    post("/api/v1/auth/allow/esc/billing/job/python-adder/scope/call_job", Map.of());
    post(
        "/api/v1/auth/permissions",
        Map.of(
            "subject_type",
            "esc",
            "subject",
            "billing",
            "scope",
            "call_job",
            "job_family",
            "java-adder"));
    post("/api/v1/auth/allow/job_family/python-adder/job/java-adder/scope/call_job", Map.of());
    esc = json(post("/api/v1/escs/billing/auth_token", Map.of())).path("token").asText();

    for (String token : List.of(admin, user, esc)) {
      assertThat(perform("python-adder", token).body()).isEqualTo("42");
      assertThat(Double.parseDouble(perform("java-adder", token).body())).isEqualTo(42.0);
    }
    assertNoPlainSecretIn(platform.dataDir());
  }

  @Test
  @Order(2)
  void backup_whileCallsRun_isWrittenAndEveryCallSucceeds() throws Exception {
    permissionsBefore = permissions();
    escsBefore = ids(get("/api/v1/escs"), "id");
    usersBefore = ids(get("/api/v1/users"), "username");
    auditBefore = audit();
    deploymentsBefore = deployments();
    assertThat(auditBefore).isNotEmpty();
    assertThat(deploymentsBefore).hasSize(2);
    buildLogsBefore = get("/api/v1/job/java-adder/0.0.1/build-logs").body();
    assertThat(Json.mapper().readTree(buildLogsBefore).path("logs").asText()).isNotBlank();

    Files.createDirectories(backup.getParent());
    AtomicBoolean calling = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (calling.get()) {
                    callBoth(calls, failures);
                  }
                });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 10);
      int callsBefore = calls.get();
      long started = System.nanoTime();
      PlatformProcess.CliResult taken =
          platform.cli(WITH_PASSPHRASE, "", "admin", "backup", backup.toString());
      long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
      int callsDuring = calls.get() - callsBefore;
      assertThat(taken.exitCode()).as(taken.output()).isZero();
      assertThat(taken.output()).contains("table auth_user: ", "artifacts: ", "Done: " + backup);
      assertThat(callsDuring).as("calls completed while the backup ran").isPositive();
      System.out.printf(
          "backup of the e2e platform: %d ms wall (CLI start included), %d bytes, %d calls"
              + " meanwhile; its report: %s%n",
          took, Files.size(backup), callsDuring, line(taken.output(), "Done: "));
    } finally {
      calling.set(false);
      caller.join();
    }
    assertThat(failures).isEmpty();
    assertThat(backup.resolveSibling("platform.rtbackup.partial")).doesNotExist();
    assertThat(Files.readString(backup, StandardCharsets.ISO_8859_1))
        .doesNotContain(SECRET, "ada@example.com", "billing");
  }

  @Test
  @Order(3)
  void wipe_thenDamagedBackupsAndAWrongPassphrase_areRefusedAndChangeNothing() throws Exception {
    platform.stop();
    jobPidsBefore =
        PlatformProcess.jobProcesses(platform.dataDir().resolve("artifacts")).stream()
            .map(ProcessHandle::pid)
            .toList();
    assertThat(jobPidsBefore).as("the jobs outlive the platform").hasSize(2);
    assertThat(platform.killJobs()).isGreaterThanOrEqualTo(2);
    FileTrees.delete(platform.dataDir());
    assertThat(platform.dataDir()).doesNotExist();

    byte[] bytes = Files.readAllBytes(backup);
    Path truncated = home.resolve("backups/truncated.rtbackup");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 5000));
    Path corrupted = home.resolve("backups/corrupted.rtbackup");
    byte[] flipped = bytes.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(corrupted, flipped);

    assertRefused(WITH_PASSPHRASE, truncated, "truncated");
    assertRefused(WITH_PASSPHRASE, corrupted, "corrupted");
    assertRefused(
        Map.of("RACETRACK_BACKUP_PASSPHRASE", "not the passphrase"), backup, "wrong passphrase");
  }

  @Test
  @Order(4)
  void restore_thenStart_everyJobAnswersThroughPubWithTheOldTokens() throws Exception {
    long started = System.nanoTime();
    PlatformProcess.CliResult restored =
        platform.cli(WITH_PASSPHRASE, "", "admin", "restore", backup.toString());
    long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(restored.exitCode()).as(restored.output()).isZero();
    assertThat(restored.output()).contains("checksums match", "Restored.");
    System.out.printf(
        "restore of the e2e platform: %d ms wall (CLI start and the embedded database's first"
            + " start included); its report: %s%n",
        took, line(restored.output(), "Done: "));

    long starting = System.nanoTime();
    platform.start();
    for (String token : List.of(admin, user, esc)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                assertThat(perform("python-adder", token).body()).isEqualTo("42");
                // a job still starting answers an error page: retried, not parsed as a number
                HttpResponse<String> java = perform("java-adder", token);
                assertThat(java.statusCode()).as(java.body()).isEqualTo(200);
                assertThat(Double.parseDouble(java.body())).isEqualTo(42.0);
              });
    }
    System.out.printf(
        "restored platform started and both jobs answering after %d ms%n",
        Duration.ofNanos(System.nanoTime() - starting).toMillis());
    assertThat(Files.readString(platform.serverLog()))
        .contains("job python-adder v0.0.1 is not running any more, restarting it")
        .contains("job java-adder v0.0.1 is not running any more, restarting it");
    assertThat(PlatformProcess.jobProcesses(platform.dataDir().resolve("artifacts")))
        .extracting(ProcessHandle::pid)
        .hasSize(2)
        .doesNotContainAnyElementsOf(jobPidsBefore);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode jobs = json(get("/api/v1/job"));
              assertThat(jobs).hasSize(2);
              jobs.forEach(
                  job ->
                      assertThat(job.path("status").asText())
                          .as(job.toString())
                          .isEqualTo("running"));
            });
  }

  @Test
  @Order(5)
  void restored_auditLogDeploymentHistoryAndIdentities_areIntact() throws Exception {
    assertThat(audit()).containsAllEntriesOf(auditBefore);
    assertThat(deployments()).isEqualTo(deploymentsBefore);
    assertThat(get("/api/v1/job/java-adder/0.0.1/build-logs").body()).isEqualTo(buildLogsBefore);
    assertThat(permissions()).isEqualTo(permissionsBefore);
    assertThat(ids(get("/api/v1/escs"), "id")).isEqualTo(escsBefore);
    assertThat(ids(get("/api/v1/users"), "username")).isEqualTo(usersBefore);
  }

  @Test
  @Order(6)
  void restored_secretIsNeverInPlainTextOnDisk() throws IOException {
    assertThat(platform.dataDir().resolve("infrastructure/local/jobs")).isDirectory();
    assertNoPlainSecretIn(platform.dataDir());
  }

  private void assertRefused(Map<String, String> env, Path file, String message)
      throws IOException {
    List<String> before = tree(platform.dataDir());
    PlatformProcess.CliResult refused = platform.cli(env, "", "admin", "restore", file.toString());
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("error: ", message);
    assertThat(tree(platform.dataDir())).as("the data directory").isEqualTo(before);
  }

  /** Every path under {@code dir} with its size (empty when {@code dir} does not exist). */
  private static List<String> tree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .map(p -> dir.relativize(p) + " " + (Files.isRegularFile(p) ? size(p) : -1))
          .sorted()
          .toList();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No regular file under {@code dir} (database files included) holds the secret's bytes. */
  private static void assertNoPlainSecretIn(Path dir) throws IOException {
    byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
    List<Path> holding = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        if (contains(readIfThere(file), secret)) {
          holding.add(file);
        }
      }
    }
    assertThat(holding).as("files holding the secret in plain text").isEmpty();
  }

  private static byte[] readIfThere(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new byte[0]; // removed meanwhile (a temporary file)
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void callBoth(AtomicInteger calls, List<String> failures) {
    for (String[] call : new String[][] {{"python-adder", user}, {"java-adder", esc}}) {
      try {
        HttpResponse<String> response = perform(call[0], call[1]);
        if (response.statusCode() != 200) {
          failures.add(call[0] + ": " + response.statusCode() + " " + response.body());
        }
      } catch (IOException e) {
        failures.add(call[0] + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      calls.incrementAndGet();
    }
  }

  private Set<String> permissions() throws Exception {
    Set<String> rows = new TreeSet<>();
    for (JsonNode p : json(get("/api/v1/auth/permissions"))) {
      rows.add(p.toString());
    }
    assertThat(rows).isNotEmpty();
    return rows;
  }

  private Map<String, String> audit() throws Exception {
    Map<String, String> events = new TreeMap<>();
    for (JsonNode e : json(get("/api/v1/audit/events?limit=1000"))) {
      events.put(e.path("id").asText(), e.path("event_type").asText());
    }
    return events;
  }

  private Map<String, String> deployments() throws Exception {
    Map<String, String> byId = new TreeMap<>();
    for (JsonNode d : json(get("/api/v1/deploy"))) {
      byId.put(
          d.path("id").asText(),
          d.path("job_name").asText()
              + " "
              + d.path("job_version").asText()
              + " "
              + d.path("status").asText()
              + " "
              + d.path("create_time").asLong());
    }
    return byId;
  }

  private static Set<String> ids(HttpResponse<String> response, String field) throws IOException {
    Set<String> ids = new TreeSet<>();
    for (JsonNode item : json(response)) {
      ids.add(item.path(field).asText());
    }
    return ids;
  }

  private HttpResponse<String> perform(String job, String token)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(platform.pubUrl() + "/job/" + job + "/latest/api/v1/perform"))
            .header("X-Racetrack-Auth", token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ADD))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, Object body) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))),
            admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 201);
    return response;
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + path)).GET(), admin);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String token)
      throws IOException, InterruptedException {
    return http.send(
        request.header("X-Racetrack-Auth", token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.mapper().readTree(response.body());
  }

  private static String line(String output, String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
