package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.InternalTokenRepository;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenPayload;
import dev.racetrack.model.archive.BuildContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The lifecycle API against a real PostgreSQL: probes, login, tokens, deploy acceptance. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleApiIT {
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle =
        new LifecycleFixture(
            Map.of(
                "MAX_BUILD_CONTEXT_MB", "1", "EXTERNAL_GRAFANA_URL", "http://grafana.test:3000"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private static Map<String, Object> manifest(String name) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("owner_email", "dev@example.com");
    m.put("jobtype", "python3:latest");
    m.put("git", Map.of("remote", "https://example.com/repo"));
    m.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return m;
  }

  @Test
  void probes_andInfo_answerWithoutToken_onBothMounts() {
    for (String base : List.of("", "/lifecycle")) {
      assertThat(lifecycle.get(base + "/live", null).statusCode()).isEqualTo(200);
      assertThat(json(lifecycle.get(base + "/ready", null).body()).path("ready").asBoolean())
          .isTrue();
      JsonNode health = json(lifecycle.get(base + "/health", null).body());
      assertThat(health.path("database_connected").asBoolean()).isTrue();
      JsonNode info = json(lifecycle.get(base + "/api/v1/info", null).body());
      assertThat(info.path("service").asText()).isEqualTo("lifecycle");
      assertThat(info.path("external_pub_url").asText()).endsWith("/pub");
      assertThat(info.path("grafana_url").asText()).isEqualTo("http://grafana.test:3000");
    }
    assertThat(lifecycle.get("/metrics", null).body()).contains("commons_requests_started_total");
  }

  /** Routes anyone may call: probes, metrics, docs, public info, and the ways to get a token. */
  private static final Set<String> PUBLIC_ROUTES =
      Set.of(
          "get /live",
          "get /ready",
          "get /health",
          "get /metrics",
          "get /api/v1/info",
          "post /api/v1/users/login",
          "post /api/v1/users/register",
          "get /openapi.json",
          "get /",
          "get /swagger-ui/{file}",
          "get /api/v1/users/logout");

  @Test
  void everyRoute_withoutAToken_isRefusedWith401_exceptThePublicOnes() {
    JsonNode paths = json(lifecycle.get("/openapi.json", null).body()).path("paths");
    List<String> checked = new ArrayList<>();
    List<String> open = new ArrayList<>();
    paths
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          String route = method + " " + path.getKey();
                          if (PUBLIC_ROUTES.contains(route)) {
                            return;
                          }
                          String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
                          HttpResponse<String> response =
                              lifecycle.send(
                                  HttpRequest.newBuilder(URI.create(lifecycle.url(concrete)))
                                      .header("Content-Type", "application/json")
                                      .method(
                                          method.toUpperCase(Locale.ROOT),
                                          HttpRequest.BodyPublishers.ofString("{}")));
                          if (response.statusCode() != 401) {
                            open.add(route + " -> " + response.statusCode());
                          }
                          checked.add(route);
                        }));
    assertThat(open).as("routes answering without a token").isEmpty();
    assertThat(checked)
        .hasSizeGreaterThan(50)
        .contains(
            "get /api/v1/plugin",
            "put /api/v1/maintenance",
            "get /api/v1/job/portfolio",
            "get /api/v1/job/{name}/{version}/logs/stream",
            "get /api/v1/auth/can-call-job/{name}/{version}");
  }

  @Test
  void plugins_listTheInstalledOnes_forAuthenticatedCallersOnly() {
    assertThat(lifecycle.get("/api/v1/plugin", null).statusCode()).isEqualTo(401);
    JsonNode plugins = json(lifecycle.get("/api/v1/plugin", admin).body());
    assertThat(plugins.findValuesAsText("category")).contains("job-type", "infrastructure");
    assertThat(plugins.toString()).contains("\"name\":\"python3\"");
    JsonNode audit = json(lifecycle.get("/api/v1/audit/activity", admin).body());
    assertThat(audit.toString()).contains("plugin_installed");
  }

  @Test
  void metrics_exposeRequestsDeploymentsDatabaseAndJvm() {
    lifecycle.get("/metrics", null);
    String metrics = lifecycle.get("/metrics", null).body();

    assertThat(metrics)
        .containsPattern("(?m)^metrics_scrapes_total [2-9]")
        .containsPattern("(?m)^lifecycle_database_connected 1\\.0$")
        .containsPattern("(?m)^lifecycle_database_pool_size [1-9]")
        .containsPattern("(?m)^lifecycle_database_pool_available \\d")
        .containsPattern("(?m)^lifecycle_database_requests_waiting 0\\.0$")
        .containsPattern("(?m)^lifecycle_active_threads_count [1-9]")
        .contains("requested_job_deployments_total")
        .contains("done_job_deployments_total")
        .contains("commons_request_duration_seconds_bucket")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_usage");
  }

  @Test
  void login_withWrongPassword_isRefused_andRightOneGivesProfileAndCookie() {
    HttpResponse<String> wrong =
        lifecycle.post(
            "/api/v1/users/login", Map.of("username", "admin", "password", "nope"), null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong.body()).path("error").asText())
        .isEqualTo("incorrect username or password");
    HttpResponse<String> unknown =
        lifecycle.post(
            "/api/v1/users/login", Map.of("username", "ghost", "password", "nope"), null);
    assertThat(json(unknown.body()).path("error").asText())
        .isEqualTo("incorrect username or password");

    HttpResponse<String> ok =
        lifecycle.post(
            "/api/v1/users/login",
            Map.of("username", "admin", "password", LifecycleFixture.ADMIN_PASSWORD),
            null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok.body()).path("is_staff").asBoolean()).isTrue();
    assertThat(ok.headers().allValues("Set-Cookie"))
        .singleElement()
        .asString()
        .startsWith("racetrack_session=")
        .contains("SameSite=Strict");
    JsonNode profile = json(lifecycle.get("/api/v1/users/validate_user_auth", admin).body());
    assertThat(profile.path("username").asText()).isEqualTo("admin");
    assertThat(profile.path("token").asText()).isEqualTo(admin);
  }

  @Test
  void tokens_eachBadKind_isRefusedWithItsOwnMessage() {
    assertError(
        lifecycle.get("/api/v1/job", null),
        401,
        "auth token not found in a header X-Racetrack-Auth");
    assertError(lifecycle.get("/api/v1/job", "not-a-token"), 401, "invalid JWT token");
    String foreign =
        new Jwt("another-key-of-at-least-thirty-two-bytes")
            .encode(new TokenPayload("s", "admin", SubjectType.USER, Optional.empty()));
    assertError(
        lifecycle.get("/api/v1/job", foreign),
        401,
        "invalid JWT token: signature verification failed");
    Jwt jwt = new Jwt(LifecycleFixture.AUTH_KEY);
    String unknown =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(), "admin", SubjectType.USER, Optional.empty()));
    assertError(lifecycle.get("/api/v1/job", unknown), 401, "wrong credentials: token is unknown");

    String expiring =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(), "admin", SubjectType.USER, Optional.empty()));
    String revoked =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(), "admin", SubjectType.USER, Optional.empty()));
    storeAdminToken(expiring, Optional.of(Instant.now().minusSeconds(60)));
    storeAdminToken(revoked, Optional.empty());
    lifecycle
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE registry_authtoken SET active = FALSE WHERE token_hash = ?",
                    AuthTokenRepository.hash(revoked)));
    assertError(lifecycle.get("/api/v1/job", expiring), 401, "given access token has expired");
    assertError(lifecycle.get("/api/v1/job", revoked), 401, "given access token has been revoked");
  }

  @Test
  void internalTokens_needTheirScope_emptyScopeListAllowsNothing() {
    Jwt jwt = new Jwt(LifecycleFixture.AUTH_KEY);
    Optional<Instant> hour = Optional.of(Instant.now().plusSeconds(3600));
    InternalTokenRepository listed = new InternalTokenRepository(lifecycle.jdbi());
    listed.insert("a", "robot", hour.get());
    listed.insert("b", "robot", hour.get());
    String none =
        jwt.encode(
            new TokenPayload("a", "robot", SubjectType.INTERNAL, Optional.of(List.of()), hour));
    assertError(lifecycle.get("/api/v1/job", none), 401, "does not have permission");
    String reader =
        jwt.encode(
            new TokenPayload(
                "b", "robot", SubjectType.INTERNAL, Optional.of(List.of("read_job")), hour));
    assertThat(lifecycle.get("/api/v1/job", reader).statusCode()).isEqualTo(200);
  }

  @Test
  void tokens_areStoredEncrypted_notInPlainText() {
    List<String> stored =
        lifecycle
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT token FROM registry_authtoken")
                        .mapTo(String.class)
                        .list());
    assertThat(stored)
        .isNotEmpty()
        .noneMatch(t -> t.equals(admin))
        .allMatch(t -> t.startsWith("v1:"));
  }

  @Test
  void deploy_badInput_getsClear4xx_andLeavesNothingBehind() throws Exception {
    int before = json(lifecycle.get("/api/v1/deploy", admin).body()).size();

    Map<String, Object> badName = manifest("Bad_Name");
    assertError(deploy(badName, null), 400, "name: 'Bad_Name'");
    Map<String, Object> unknownKey = manifest("ok-name");
    unknownKey.put("replicaz", 1);
    assertError(deploy(unknownKey, null), 400, "replicaz: unknown key");
    Map<String, Object> cobol = manifest("ok-name");
    cobol.put("jobtype", "cobol:1.0.0");
    assertError(deploy(cobol, null), 400, "language cobol is not supported");
    Map<String, Object> noEntrypoint = manifest("ok-name");
    noEntrypoint.remove("jobtype_extra");
    assertError(deploy(noEntrypoint, null), 400, "jobtype_extra.entrypoint_path: is required");
    Map<String, Object> greedy = manifest("ok-name");
    greedy.put("resources", Map.of("memory_max", "16Gi"));
    assertError(
        deploy(greedy, null),
        400,
        "resources.memory_max: 16Gi is more than this platform allows a job (8Gi");
    Map<String, Object> flags =
        new HashMap<>(Map.of("manifest", manifest("ok-name"), "build_flags", List.of("--squash")));
    assertError(
        lifecycle.post("/api/v1/deploy", flags, admin),
        400,
        "build flag '--squash' is not allowed");
    assertError(deploy(manifest("ok-name"), "%%not-base64%%"), 400, "not valid base64");
    Path dir = Files.createTempDirectory("ctx");
    Files.createSymbolicLink(dir.resolve("passwd"), Path.of("/etc/passwd"));
    String linkOut = Base64.getEncoder().encodeToString(BuildContext.pack(dir, p -> true));
    assertError(deploy(manifest("ok-name"), linkOut), 400, "outside the context");
    assertError(
        deploy(manifest("ok-name"), Base64.getEncoder().encodeToString(new byte[2 << 20])),
        413,
        "above the limit");
    assertError(
        lifecycle.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/deploy")))
                .header("X-Racetrack-Auth", admin)
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))),
        400,
        "malformed JSON");

    assertThat(json(lifecycle.get("/api/v1/deploy", admin).body()).size()).isEqualTo(before);
    assertThat(json(lifecycle.get("/api/v1/job", admin).body()).size()).isZero();
  }

  @Test
  void deploy_whenImageBuilderIsDown_marksDeploymentFailed_andAudits() {
    HttpResponse<String> accepted = deploy(manifest("lonely-job"), null);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String id = json(accepted.body()).path("id").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        json(lifecycle.get("/api/v1/deploy/" + id, admin).body())
                            .path("status")
                            .asText())
                    .isEqualTo("failed"));
    JsonNode deployment = json(lifecycle.get("/api/v1/deploy/" + id, admin).body());
    assertThat(deployment.path("error").asText()).contains("image builder");
    assertThat(deployment.path("deployed_by").asText()).isEqualTo("admin");
    assertThat(json(lifecycle.get("/api/v1/job", admin).body()).size()).isZero();
    long audited =
        lifecycle
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT count(*) FROM registry_auditlogevent WHERE event_type = 'deployment_failed' AND job_name = 'lonely-job'")
                        .mapTo(Long.class)
                        .one());
    assertThat(audited).isEqualTo(1);
    assertError(lifecycle.get("/api/v1/deploy/" + UUID.randomUUID(), admin), 404, "not found");
  }

  @Test
  void jobs_unknownJobOrAlias_is404() {
    assertError(
        lifecycle.get("/api/v1/job/nothing-here/latest", admin), 404, "No stable version found");
    assertError(lifecycle.get("/api/v1/job/nothing-here/1.2.3", admin), 404, "Job was not found");
  }

  private HttpResponse<String> deploy(Map<String, Object> manifest, String buildContext) {
    Map<String, Object> payload = new HashMap<>();
    payload.put("manifest", manifest);
    payload.put("build_context", buildContext);
    return lifecycle.post("/api/v1/deploy", payload, admin);
  }

  private void storeAdminToken(String token, Optional<Instant> expiry) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              String subject =
                  h.createQuery(
                          "SELECT s.id FROM registry_authsubject s JOIN auth_user u ON u.id = s.user_id WHERE u.username = 'admin'")
                      .mapTo(String.class)
                      .one();
              new AuthTokenRepository(lifecycle.jdbi(), LifecycleApp.secretBox(config()))
                  .insert(h, subject, token, expiry);
            });
  }

  private LifecycleConfig config() {
    return LifecycleConfig.fromEnv(
        Map.of("RACETRACK_DATA_DIR", lifecycle.dataDir().toString()),
        LifecycleFixture.AUTH_KEY,
        "t");
  }

  private static void assertError(HttpResponse<String> response, int status, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response.body()).path("error").asText()).contains(message);
  }
}
