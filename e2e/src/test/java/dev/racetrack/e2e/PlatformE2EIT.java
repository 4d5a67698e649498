package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation, end to end, as a user drives it: start the platform from its distribution, log
 * in, deploy the python and java samples, call them through PUB, refuse bad input, delete, survive
 * a crash of the platform process with the jobs adopted, not duplicated, then redeploy a job and
 * follow its output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));

  @TempDir static Path home;

  private PlatformProcess platform;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @BeforeAll
  void startPlatform() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    assertThat(DIST.resolve("lib"))
        .as("distribution (mvn package of the server module)")
        .isDirectory();
    platform = new PlatformProcess(DIST, home, Map.of("MAX_BUILD_CONTEXT_MB", "1"));
    platform.start();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void login_withUsernameAndPasswordFromStdin_storesToken() throws IOException {
    PlatformProcess.CliResult wrong =
        platform.cli(
            "not-the-password\n",
            "login",
            "--username",
            "admin",
            "--remote",
            platform.lifecycleUrl());
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.output()).contains("incorrect username or password");

    PlatformProcess.CliResult login =
        platform.cli(
            PlatformProcess.ADMIN_PASSWORD + "\n",
            "login",
            "--username",
            "admin",
            "--remote",
            platform.lifecycleUrl());
    assertThat(login.exitCode()).as(login.output()).isZero();
    assertThat(platform.cli("", "set", "remote", platform.lifecycleUrl()).exitCode()).isZero();
    PlatformProcess.CliResult printed = platform.cli("", "get", "auth-token");
    assertThat(printed.exitCode()).isZero();
    token = printed.output().strip();
    assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("client/config.yaml"))))
        .isEqualTo("rw-------");
  }

  @Test
  @Order(2)
  void deploy_pythonSample_showsPhasesAndEndsWithUrl() {
    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("python-adder").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    assertThat(deploy.output())
        .contains("building image")
        .contains("done")
        .contains(
            "job python-adder v0.0.1 is running: "
                + platform.pubUrl()
                + "/job/python-adder/0.0.1/");
  }

  @Test
  @Order(3)
  void deploy_javaSample() {
    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("java-adder").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    assertThat(deploy.output()).contains("job java-adder v0.0.1 is running");
  }

  @Test
  @Order(4)
  void call_throughPub_givesTheRightAnswer() throws Exception {
    HttpResponse<String> python =
        perform("python-adder", "latest", "{\"numbers\": [40, 2]}", token);
    assertThat(python.statusCode()).isEqualTo(200);
    assertThat(python.body()).isEqualTo("42");
    assertThat(python.headers().firstValue("X-Request-Tracing-Id")).isPresent();

    HttpResponse<String> java = perform("java-adder", "0.0.1", "{\"numbers\": [40, 2]}", token);
    assertThat(java.statusCode()).isEqualTo(200);
    assertThat(Double.parseDouble(java.body())).isEqualTo(42.0);

    PlatformProcess.CliResult call =
        platform.cli("", "call", "python-adder", "/api/v1/perform", "{\"numbers\": [1, 2.5]}");
    assertThat(call.exitCode()).as(call.output()).isZero();
    assertThat(call.output().strip()).isEqualTo("3.5");
  }

  @Test
  @Order(4)
  void asyncCall_throughPub_startsATaskWhoseResultThePollGives_onlyWithAToken() throws Exception {
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        platform.pubUrl() + "/async/new/job/python-adder/latest/api/v1/perform"))
                .header("X-Racetrack-Auth", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String task = json(started.body()).path("task_id").asText();
    assertThat(task).isNotBlank();

    URI poll = URI.create(platform.pubUrl() + "/async/task/" + task + "/poll");
    HttpResponse<String> anonymous =
        http.send(HttpRequest.newBuilder(poll).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);

    HttpResponse<String> result =
        http.send(
            HttpRequest.newBuilder(poll).header("X-Racetrack-Auth", token).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
    assertThat(result.body()).isEqualTo("42");

    PlatformProcess.CliResult call =
        platform.cli(
            "", "call", "--async", "python-adder", "/api/v1/perform", "{\"numbers\": [1, 2.5]}");
    assertThat(call.exitCode()).as(call.output()).isZero();
    assertThat(call.output().strip().lines().reduce((a, b) -> b)).hasValue("3.5");
  }

  @Test
  @Order(5)
  void call_withoutTokenOrWithWrongArguments_isRefused() throws Exception {
    HttpResponse<String> anonymous = perform("python-adder", "latest", "{\"numbers\": [1]}", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(json(anonymous.body()).path("error").asText()).contains("auth token not found");

    HttpResponse<String> wrongArgs = perform("python-adder", "latest", "{\"numbrs\": [1]}", token);
    assertThat(wrongArgs.statusCode()).isEqualTo(400);
    assertThat(wrongArgs.body()).contains("numbrs");

    HttpResponse<String> javaWrongArgs =
        perform("java-adder", "latest", "{\"numbers\": \"many\"}", token);
    assertThat(javaWrongArgs.statusCode()).isEqualTo(400);
    assertThat(javaWrongArgs.body()).contains("numbers");
  }

  @Test
  @Order(6)
  void docsPage_isServedByPubWithItsOwnAssets() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(platform.pubUrl() + "/job/python-adder/latest/"))
                .header("Accept", "text/html")
                .header("Cookie", "X-Racetrack-Auth-python-adder=" + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("swagger-ui-bundle.js")
        .contains("openapi.json")
        .doesNotContain("https://");
    HttpResponse<String> asset =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(platform.pubUrl() + "/swagger-ui/swagger-ui-bundle.js"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(asset.statusCode()).isEqualTo(200);
    HttpResponse<String> spec =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(platform.pubUrl() + "/job/python-adder/latest/openapi.json"))
                .header("X-Racetrack-Auth", token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(json(spec.body()).path("paths").has("/api/v1/perform")).isTrue();
  }

  @Test
  @Order(7)
  void deploy_sameVersionAgain_isRefused() {
    PlatformProcess.CliResult again =
        platform.cli("", "deploy", SAMPLES.resolve("python-adder").toString());
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.output())
        .contains("is already deployed. Try deploying next version or use --force flag");
  }

  @Test
  @Order(8)
  void badInput_getsClear4xx_andLeavesNothingBehind() throws Exception {
    int deploymentsBefore = list("/api/v1/deploy").size();
    Map<String, Object> good =
        Map.of(
            "name",
            "bad-input",
            "owner_email",
            "a@example.com",
            "jobtype",
            "python3:latest",
            "git",
            Map.of("remote", "https://example.com/x"),
            "jobtype_extra",
            Map.of("entrypoint_path", "a.py"));

    Map<String, Object> malformed = new HashMap<>(good);
    malformed.put("name", "Bad_Name");
    assertError(deploy(malformed, null), 400, "name: 'Bad_Name'");
    Map<String, Object> unknown = new HashMap<>(good);
    unknown.put("replicaz", 2);
    assertError(deploy(unknown, null), 400, "replicaz: unknown key");
    assertError(deploy(good, targz(Map.of("../escape.py", "x"))), 400, "outside the context");
    assertError(deploy(good, targz(Map.of("/etc/evil.py", "x"))), 400, "absolute path");
    assertError(
        deploy(good, targzWithLink("link", "../../../etc/passwd")), 400, "outside the context");
    byte[] random = new byte[2 << 20];
    new Random(1).nextBytes(random);
    assertError(deploy(good, Base64.getEncoder().encodeToString(random)), 413, "above the limit");
    assertError(requestWithToken(forgedToken()), 401, "invalid JWT token");

    assertThat(list("/api/v1/deploy")).hasSize(deploymentsBefore);
    assertThat(list("/api/v1/job").stream().map(j -> j.path("name").asText()))
        .doesNotContain("bad-input");
  }

  @Test
  @Order(9)
  void delete_makesTheJobUnreachable() throws Exception {
    PlatformProcess.CliResult delete =
        platform.cli("", "delete", "java-adder", "--version", "0.0.1");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    HttpResponse<String> gone = perform("java-adder", "0.0.1", "{\"numbers\": [1]}", token);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(PlatformProcess.jobProcesses(platform.dataDir().resolve("artifacts/java-adder")))
        .isEmpty();
  }

  @Test
  @Order(10)
  void platformCrash_jobKeepsAnswering_andIsAdoptedNotDuplicated() throws Exception {
    Path artifacts = platform.dataDir().resolve("artifacts/python-adder");
    List<ProcessHandle> before = PlatformProcess.jobProcesses(artifacts);
    assertThat(before).hasSize(1);

    platform.kill();
    assertThat(before.getFirst().isAlive()).isTrue();
    platform.start();

    assertThat(PlatformProcess.tail(platform.serverLog()))
        .contains("adopted running job python-adder v0.0.1");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(perform("python-adder", "latest", "{\"numbers\": [2, 3]}", token).body())
                    .isEqualTo("5"));
    List<ProcessHandle> after = PlatformProcess.jobProcesses(artifacts);
    assertThat(after).extracting(ProcessHandle::pid).containsExactly(before.getFirst().pid());
    JsonNode job = json(get("/api/v1/job/python-adder/latest").body());
    assertThat(job.path("status").asText()).isEqualTo("running");
  }

  @Test
  @Order(11)
  void redeploy_pythonSample_followsTheDeploymentAndTheJobKeepsAnswering() throws Exception {
    PlatformProcess.CliResult redeploy =
        platform.cli("", "redeploy", "python-adder", "--version", "0.0.1");
    assertThat(redeploy.exitCode()).as(redeploy.output()).isZero();
    assertThat(redeploy.output())
        .contains("redeploying python-adder v0.0.1 on " + platform.lifecycleUrl())
        .contains("done")
        .contains(
            "job python-adder v0.0.1 is running: "
                + platform.pubUrl()
                + "/job/python-adder/0.0.1/");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(perform("python-adder", "0.0.1", "{\"numbers\": [7, 8]}", token).body())
                    .isEqualTo("15"));
  }

  @Test
  @Order(12)
  void logsFollow_printsWhatTheJobWritesUntilKilled() throws Exception {
    Path output = home.resolve("logs-follow.out");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                DIST.resolve("lib") + "/*",
                "dev.racetrack.server.RacetrackMain",
                "logs",
                "python-adder",
                "--version",
                "0.0.1",
                "--follow",
                "--tail",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().put("RACETRACK_CONFIG", home.resolve("client/config.yaml").toString());
    Process follow = builder.start();
    try {
      // a call that fails inside the job makes it log the error; repeat until the stream shows it
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                assertThat(follow.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(
                        perform("python-adder", "0.0.1", "{\"numbers\": [\"x\"]}", token)
                            .statusCode())
                    .isEqualTo(500);
                assertThat(Files.readString(output)).contains("TypeError");
              });
      assertThat(Files.readString(output)).doesNotStartWith("error: ");
    } finally {
      follow.destroy();
      if (!follow.waitFor(10, TimeUnit.SECONDS)) {
        follow.destroyForcibly();
      }
    }
    assertThat(follow.isAlive()).isFalse();
  }

  private HttpResponse<String> perform(String job, String version, String body, String withToken)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(platform.pubUrl() + "/job/" + job + "/" + version + "/api/v1/perform"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (withToken != null) {
      request.header("X-Racetrack-Auth", withToken);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> deploy(Map<String, Object> manifest, String buildContext)
      throws Exception {
    Map<String, Object> payload = new HashMap<>();
    payload.put("manifest", manifest);
    payload.put("build_context", buildContext);
    return http.send(
        HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + "/api/v1/deploy"))
            .header("X-Racetrack-Auth", token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(payload)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> requestWithToken(String withToken) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + "/api/v1/job"))
            .header("X-Racetrack-Auth", withToken)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + path))
            .header("X-Racetrack-Auth", token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<JsonNode> list(String path) throws Exception {
    JsonNode array = json(get(path).body());
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  private static void assertError(HttpResponse<String> response, int status, String message)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response.body()).path("error").asText()).contains(message);
  }

  private static JsonNode json(String body) throws IOException {
    return Json.mapper().readTree(body);
  }

  /** A token with a valid shape signed with a key the platform does not have. */
  private static String forgedToken() throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload =
        b64.encodeToString(
            "{\"seed\":\"x\",\"subject\":\"admin\",\"subject_type\":\"internal\",\"scopes\":[\"full_access\"]}"
                .getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec("not-the-platform-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return header
        + "."
        + payload
        + "."
        + b64.encodeToString(
            mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8)));
  }

  private static String targz(Map<String, String> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey(), true);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private static String targzWithLink(String name, String target) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      entry.setLinkName(target);
      tar.putArchiveEntry(entry);
      tar.closeArchiveEntry();
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
