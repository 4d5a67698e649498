package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity end to end: job-to-job calls allowed one way only, revocations reaching the gateway
 * within 2 seconds although its cache would keep answers for a minute, and the auth key rotation
 * procedure of the admin guide after a database "restored" under another AUTH_KEY.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final Duration BOUND = Duration.ofSeconds(2);

  @TempDir static Path home;
  private PlatformProcess platform;
  private final HttpClient http = HttpClient.newHttpClient();
  private String admin;

  @BeforeAll
  void start() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    platform =
        new PlatformProcess(
            DIST,
            home,
            Map.of(
                "AUTH_KEY",
                "key-of-environment-a-at-least-32-bytes",
                "LIFECYCLE_CACHE_TTL_MIN",
                "60"));
    platform.start();
    admin = platform.loginAsAdmin();
    for (String[] job :
        new String[][] {
          {"python-adder", "python-adder"}, {"python-chain", "chain-a"}, {"python-chain", "chain-b"}
        }) {
      PlatformProcess.CliResult deploy =
          platform.cli("", "deploy", SAMPLES.resolve(job[0]).toString(), "-e", "name=" + job[1]);
      assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    }
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void jobToJob_isAllowedOneWayOnly() throws Exception {
    HttpResponse<String> refused = perform("chain-a", "{\"numbers\": [40, 2.7]}", admin);
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(error(refused))
        .contains(
            "auth subject \"Job Family: chain-a\" does not have permission to access endpoint /api/v1/perform at resource"
                + " \"python-adder v0.0.1\" with scope \"call_job\"");

    allowFamily("chain-a", "python-adder");
    allowFamily("chain-b", "python-adder");
    allowFamily("chain-a", "chain-b");
    assertThat(perform("chain-a", "{\"numbers\": [40, 2.7]}", admin).body()).isEqualTo("43");
    assertThat(perform("chain-a", "{\"numbers\": [1, 2], \"via\": \"chain-b\"}", admin).body())
        .isEqualTo("3");

    HttpResponse<String> reverse =
        perform("chain-b", "{\"numbers\": [1, 2], \"via\": \"chain-a\"}", admin);
    assertThat(reverse.statusCode()).isEqualTo(500);
    assertThat(error(reverse))
        .contains(
            "auth subject \"Job Family: chain-b\" does not have permission to access endpoint /api/v1/perform at resource \"chain-a v0.0.1\"");
  }

  @Test
  @Order(2)
  void revokedEscToken_isRefusedAtPubWithinTheBound() throws Exception {
    post("/api/v1/escs", Map.of("name", "billing", "id", "billing"));
    post("/api/v1/auth/allow/esc/billing/job/python-adder/scope/call_job", Map.of());
    JsonNode token =
        Json.mapper().readTree(post("/api/v1/escs/billing/auth_token", Map.of()).body());
    String esc = token.path("token").asText();
    assertThat(perform("python-adder", "{\"numbers\": [1]}", esc).statusCode()).isEqualTo(200);
    assertThat(perform("python-adder", "{\"numbers\": [1]}", esc).statusCode())
        .as("now cached for a minute")
        .isEqualTo(200);

    long revoked = System.nanoTime();
    assertThat(
            send(HttpRequest.newBuilder(
                        URI.create(
                            platform.lifecycleUrl()
                                + "/api/v1/escs/billing/auth_token/"
                                + token.path("id").asText()))
                    .DELETE())
                .statusCode())
        .isEqualTo(200);
    Awaitility.await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> perform("python-adder", "{\"numbers\": [1]}", esc).statusCode() == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThan(BOUND);
  }

  @Test
  @Order(3)
  void deletedPermission_andDeactivatedUser_stopWorkingAtPubWithinTheBound() throws Exception {
    JsonNode permission =
        Json.mapper()
            .readTree(
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
                            "chain-b"))
                    .body());
    String esc =
        Json.mapper().readTree(get("/api/v1/auth/token/esc/billing").body()).path("token").asText();
    assertThat(perform("chain-b", "{\"numbers\": [1]}", esc).statusCode()).isEqualTo(200);
    // docs/admin.md: the caller token is a signed JWT whose payload names the ESC
    ProcessBuilder decode =
        new ProcessBuilder(
                "bash",
                "-c",
                "cut -d. -f2 <<< \"$TOKEN\" | basenc --base64url -d 2>/dev/null; true")
            .redirectErrorStream(true);
    decode.environment().put("TOKEN", esc);
    Process decoding = decode.start();
    JsonNode payload = Json.mapper().readTree(decoding.getInputStream().readAllBytes());
    assertThat(decoding.waitFor()).isZero();
    assertThat(payload.path("subject").asText()).isEqualTo("billing");
    assertThat(payload.path("subject_type").asText()).isEqualTo("esc");
    send(
        HttpRequest.newBuilder(
                URI.create(
                    platform.lifecycleUrl()
                        + "/api/v1/auth/permissions/"
                        + permission.path("id").asLong()))
            .DELETE());
    Awaitility.await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> perform("chain-b", "{\"numbers\": [1]}", esc).statusCode() == 401);

    post(
        "/api/v1/users/register",
        Map.of("username", "eve@example.com", "password", "eve has a phrase"));
    send(
        HttpRequest.newBuilder(
                URI.create(platform.lifecycleUrl() + "/api/v1/users/eve@example.com"))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": true}")));
    String eve =
        Json.mapper()
            .readTree(
                post(
                        "/api/v1/users/login",
                        Map.of("username", "eve@example.com", "password", "eve has a phrase"))
                    .body())
            .path("token")
            .asText();
    assertThat(perform("python-adder", "{\"numbers\": [1]}", eve).statusCode()).isEqualTo(200);
    send(
        HttpRequest.newBuilder(
                URI.create(platform.lifecycleUrl() + "/api/v1/users/eve@example.com"))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": false}")));
    Awaitility.await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> perform("python-adder", "{\"numbers\": [1]}", eve).statusCode() == 401);
  }

  @Test
  @Order(4)
  void authKeyRotation_afterARestoredDatabase_followsTheAdminGuide() throws Exception {
    platform.stop();
    platform.setEnv("AUTH_KEY", "key-of-environment-b-at-least-32-bytes");
    platform.start();
    assertThat(error(get("/api/v1/job"))).contains("invalid JWT token");

    PlatformProcess.CliResult generated =
        platform.cli("", "admin", "generate-auth", "admin", "--lifetime", "1h", "--short");
    assertThat(generated.exitCode()).as(generated.output()).isZero();
    String emergency = generated.output().strip();
    admin = emergency;
    assertThat(post("/api/v1/auth/token/user/regenerate", Map.of()).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/auth/token/job_family/regenerate", Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(post("/api/v1/auth/token/esc/regenerate", Map.of()).statusCode()).isEqualTo(200);

    PlatformProcess.CliResult login =
        platform.cli(PlatformProcess.ADMIN_PASSWORD + "\n", "login", "--username", "admin");
    assertThat(login.exitCode()).as(login.output()).isZero();
    admin = platform.cli("", "get", "auth-token").output().strip();
    assertThat(get("/api/v1/job").statusCode()).isEqualTo(200);

    HttpResponse<String> staleFamilyToken = perform("chain-a", "{\"numbers\": [1, 1]}", admin);
    assertThat(error(staleFamilyToken))
        .as("the job still has the family token signed with the old key")
        .contains("invalid JWT token");
    PlatformProcess.CliResult redeploy =
        platform.cli(
            "",
            "deploy",
            SAMPLES.resolve("python-chain").toString(),
            "-e",
            "name=chain-a",
            "--force");
    assertThat(redeploy.exitCode()).as(redeploy.output()).isZero();
    assertThat(perform("chain-a", "{\"numbers\": [1, 1]}", admin).body()).isEqualTo("2");
  }

  private void allowFamily(String source, String target) throws Exception {
    assertThat(
            post(
                    "/api/v1/auth/allow/job_family/"
                        + source
                        + "/job/"
                        + target
                        + "/scope/call_job",
                    Map.of())
                .statusCode())
        .isEqualTo(200);
  }

  private HttpResponse<String> perform(String job, String body, String token)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(platform.pubUrl() + "/job/" + job + "/latest/api/v1/perform"))
            .header("X-Racetrack-Auth", token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, Object body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(platform.lifecycleUrl() + path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.header("X-Racetrack-Auth", admin).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The error message; a job passes on the gateway's JSON answer inside its own, so unescape it.
   */
  private static String error(HttpResponse<String> response) throws IOException {
    return Json.mapper().readTree(response.body()).path("error").asText().replace("\\\"", "\"");
  }
}
