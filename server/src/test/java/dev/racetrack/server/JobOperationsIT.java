package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The job lifecycle in depth on the local targets: redeploy, reprovision and move as deployments,
 * manifest edits, secrets, maintenance mode, supervision (crash, restart, lost, reconcile), logs,
 * the audit log, portfolio and graph — all through the API of a platform running in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobOperationsIT {
  private static final String BUILD_SECRET = "build-secret-8d1f";
  private static final String RUNTIME_SECRET = "runtime-secret-3c9a";
  private static final String ENVY =
      """
      import os

      class Envy:
          def perform(self, name: str):
              print("asked for " + name, flush=True)
              return os.environ.get(name)
      """;

  @TempDir static Path home;
  private PlatformFixture platform;

  @BeforeAll
  void start() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    platform = new PlatformFixture(home, Map.of());
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private static Map<String, Object> manifest(String name, Map<String, String> runtimeEnv) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("owner_email", "dev@example.com");
    m.put("jobtype", "python3:latest");
    m.put("git", Map.of("remote", "https://example.com/jobs"));
    m.put("runtime_env", runtimeEnv);
    m.put("build_env", Map.of("BUILD_MODE", "fast"));
    m.put("jobtype_extra", Map.of("entrypoint_path", "envy.py"));
    return m;
  }

  private String env(String job, String name) {
    HttpResponse<String> response = platform.perform(job, "latest", "{\"name\": \"" + name + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  @Order(1)
  void deploy_withSecrets_runtimeSecretReachesTheJob_buildSecretDoesNot() {
    String id =
        platform.deploy(
            manifest("envy", Map.of("GREETING", "hello")),
            Map.of("envy.py", ENVY),
            Map.of(
                "secret_vars",
                Map.of(
                    "build_env",
                    Map.of("PIP_EXTRA", BUILD_SECRET),
                    "runtime_env",
                    Map.of("API_KEY", RUNTIME_SECRET))));
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    assertThat(env("envy", "GREETING")).isEqualTo("\"hello\"");
    assertThat(env("envy", "API_KEY")).isEqualTo("\"" + RUNTIME_SECRET + "\"");
    assertThat(env("envy", "PIP_EXTRA"))
        .as("build secrets are shadowed at runtime")
        .isEqualTo("\"\"");
    assertThat(env("envy", "BUILD_MODE")).isEqualTo("\"\"");
    assertThat(env("envy", "AUTH_KEY"))
        .as("the platform's own secrets never reach jobs")
        .isEqualTo("null");
  }

  @Test
  @Order(2)
  void job_calledDirectlyOnItsPort_performsOnlyForPub() {
    String internal =
        json(platform.get("/api/v1/job/envy/0.0.1").body()).path("internal_name").asText();
    assertThat(internal).isNotEmpty();
    HttpResponse<String> direct =
        platform.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + internal + "/pub/job/envy/0.0.1/api/v1/perform"))
                .header("X-Racetrack-Auth", platform.admin())
                .header("X-Racetrack-Job-Secret", "guessed")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"GREETING\"}")));
    HttpResponse<String> live =
        platform.send(HttpRequest.newBuilder(URI.create("http://" + internal + "/live")));

    assertThat(direct.statusCode()).as(direct.body()).isEqualTo(401);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(platform.perform("envy", "0.0.1", "{\"name\": \"GREETING\"}").statusCode())
        .as("through PUB")
        .isEqualTo(200);
  }

  @Test
  @Order(2)
  void editManifest_thenRedeploy_usesTheStoredManifestSourceAndSecrets() {
    Map<String, Object> renamed = manifest("other-name", Map.of());
    HttpResponse<String> refused =
        platform.put("/api/v1/job/envy/0.0.1/manifest", Map.of("manifest_yaml", yaml(renamed)));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("error").asText())
        .contains("name and version cannot change");
    assertThat(
            platform
                .put("/api/v1/job/envy/0.0.1/manifest", Map.of("manifest_yaml", "name: [oops"))
                .statusCode())
        .isEqualTo(400);

    HttpResponse<String> edited =
        platform.put(
            "/api/v1/job/envy/0.0.1/manifest",
            Map.of("manifest_yaml", yaml(manifest("envy", Map.of("GREETING", "bonjour")))));
    assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
    assertThat(env("envy", "GREETING"))
        .as("an edit alone does not redeploy")
        .isEqualTo("\"hello\"");

    JsonNode redeploy = json(platform.post("/api/v1/job/envy/0.0.1/redeploy", Map.of()).body());
    JsonNode done = platform.awaitDeployment(redeploy.path("id").asText());
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    assertThat(env("envy", "GREETING")).isEqualTo("\"bonjour\"");
    assertThat(env("envy", "API_KEY"))
        .as("secrets kept by the target")
        .isEqualTo("\"" + RUNTIME_SECRET + "\"");
    JsonNode deployments = json(platform.get("/api/v1/deploy").body());
    assertThat(deployments.get(0).path("duration").isNumber()).isTrue();
    assertThat(deployments.get(0).path("status").asText()).isEqualTo("done");
  }

  @Test
  @Order(3)
  void reprovision_startsTheSameArtifactAgain() {
    String imageBefore =
        json(platform.get("/api/v1/deploy").body()).get(0).path("image_name").asText();
    JsonNode reprovision =
        json(platform.post("/api/v1/job/envy/latest/reprovision", Map.of()).body());
    JsonNode done = platform.awaitDeployment(reprovision.path("id").asText());
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    assertThat(done.path("image_name").asText()).isEqualTo(imageBefore);
    assertThat(env("envy", "GREETING")).isEqualTo("\"bonjour\"");
  }

  @Test
  @Order(4)
  void move_toAnotherTarget_runsThereAndLeavesTheOldOne() throws Exception {
    assertThat(
            json(platform
                    .post("/api/v1/job/envy/0.0.1/move", Map.of("infrastructure_target", "local"))
                    .body())
                .path("error")
                .asText())
        .contains("already runs on local");
    assertThat(
            platform
                .post("/api/v1/job/envy/0.0.1/move", Map.of("infrastructure_target", "mars"))
                .statusCode())
        .isEqualTo(400);
    JsonNode move =
        json(
            platform
                .post("/api/v1/job/envy/0.0.1/move", Map.of("infrastructure_target", "local-b"))
                .body());
    JsonNode done = platform.awaitDeployment(move.path("id").asText());
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
    assertThat(
            json(platform.get("/api/v1/job/envy/0.0.1").body())
                .path("infrastructure_target")
                .asText())
        .isEqualTo("local-b");
    assertThat(env("envy", "API_KEY"))
        .as("secrets moved along")
        .isEqualTo("\"" + RUNTIME_SECRET + "\"");
    assertThat(platform.dataDir().resolve("infrastructure/local/jobs/job-envy-v-0-0-1"))
        .doesNotExist();
    assertThat(
            platform.dataDir().resolve("infrastructure/local-b/jobs/job-envy-v-0-0-1/secrets.enc"))
        .exists();
    List<String> events =
        json(platform.get("/api/v1/audit/events/job/envy").body()).findValuesAsText("event_type");
    assertThat(events)
        .contains("job_moved", "job_redeployed", "job_deployed", "job_manifest_updated");
  }

  @Test
  @Order(5)
  void logs_followedLive_andRuntimeLogsTail() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(platform.lifecycle("/api/v1/job/envy/latest/logs/stream?tail=0")))
            .header("X-Racetrack-Auth", platform.admin())
            .build();
    HttpResponse<InputStream> stream =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      lines.add(line);
                    }
                  } catch (IOException e) {
                    // closed
                  }
                });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lines.stream().anyMatch(l -> l.startsWith(": following")));
    env("envy", "FOLLOWED_VARIABLE");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(lines).contains("data: asked for FOLLOWED_VARIABLE"));
    reader.interrupt();
    stream.body().close();
    assertThat(platform.get("/api/v1/job/envy/latest/logs?tail=50").body())
        .contains("asked for FOLLOWED_VARIABLE");
    assertThat(
            platform
                .send(
                    HttpRequest.newBuilder(
                        URI.create(platform.lifecycle("/api/v1/job/envy/latest/logs/stream"))))
                .statusCode())
        .as("streaming needs a token")
        .isEqualTo(401);
  }

  @Test
  @Order(6)
  void maintenanceMode_blocksChanges_andPubAnswers503() {
    assertThat(platform.put("/api/v1/maintenance", Map.of("enabled", true)).statusCode())
        .isEqualTo(200);
    try {
      HttpResponse<String> deploy =
          platform.post("/api/v1/deploy", Map.of("manifest", manifest("blocked", Map.of())));
      assertThat(deploy.statusCode()).isEqualTo(503);
      assertThat(json(deploy.body()).path("error").asText())
          .isEqualTo("Racetrack is currently in maintenance mode. Please try again later.");
      assertThat(platform.delete("/api/v1/job/envy/0.0.1").statusCode()).isEqualTo(503);
      assertThat(platform.post("/api/v1/job/envy/0.0.1/redeploy", Map.of()).statusCode())
          .isEqualTo(503);
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> platform.perform("envy", "latest", "{\"name\": \"X\"}").statusCode() == 503);
    } finally {
      platform.put("/api/v1/maintenance", Map.of("enabled", false));
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> platform.perform("envy", "latest", "{\"name\": \"X\"}").statusCode() == 200);
  }

  @Test
  @Order(7)
  void supervisor_reportsAndRestartsACrashedJob() throws Exception {
    Path state =
        platform.dataDir().resolve("infrastructure/local-b/jobs/job-envy-v-0-0-1/state.json");
    long pid = json(Files.readString(state)).path("pid").asLong();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                json(platform.get("/api/v1/job/envy/0.0.1").body())
                    .path("status")
                    .asText()
                    .equals("error"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode job = json(platform.get("/api/v1/job/envy/0.0.1").body());
              assertThat(job.path("status").asText()).isEqualTo("running");
              assertThat(job.path("infrastructure_stats").path("number_of_restarts").asInt())
                  .isEqualTo(1);
            });
    assertThat(json(Files.readString(state)).path("pid").asLong()).isNotEqualTo(pid);
  }

  @Test
  @Order(8)
  void lostJob_isReported_andReconciledBack() throws Exception {
    Path jobDir = platform.dataDir().resolve("infrastructure/local-b/jobs/job-envy-v-0-0-1");
    long pid = json(Files.readString(jobDir.resolve("state.json"))).path("pid").asLong();
    Files.delete(
        jobDir.resolve("state.json")); // the target forgets the job, as after losing its data
    platform.restart();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json(platform.get("/api/v1/job/envy/0.0.1").body())
                    .path("status")
                    .asText()
                    .equals("lost"));
    JsonNode portfolio = json(platform.get("/api/v1/job/portfolio?status=LOST").body());
    assertThat(portfolio.get(0).path("purge_reasons").asText()).contains("Job is lost");

    JsonNode reconciled = json(platform.post("/api/v1/job/all/reconcile", Map.of()).body());
    assertThat(reconciled.path("deployments")).hasSize(1);
    assertThat(
            platform
                .awaitDeployment(reconciled.path("deployments").get(0).asText())
                .path("status")
                .asText())
        .isEqualTo("done");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json(platform.get("/api/v1/job/envy/0.0.1").body())
                    .path("status")
                    .asText()
                    .equals("running"));
    assertThat(env("envy", "GREETING")).isEqualTo("\"bonjour\"");
  }

  @Test
  @Order(9)
  void auditLog_filtersAndPages() {
    JsonNode activity =
        json(platform.get("/api/v1/audit/activity?job_name=envy&related_to_me=1&limit=2").body());
    assertThat(activity.path("filter_related_to_me").asBoolean()).isTrue();
    assertThat(activity.path("events")).hasSize(2);
    JsonNode next =
        json(platform.get("/api/v1/audit/activity?job_name=envy&offset=2&limit=2").body())
            .path("events");
    assertThat(next.get(0).path("id").asText())
        .isNotEqualTo(activity.path("events").get(1).path("id").asText());
    JsonNode event = activity.path("events").get(0);
    assertThat(event.path("explanation").asText()).startsWith("Job envy 0.0.1");
    assertThat(event.path("time_ago").asText()).matches("just now|\\d+ seconds ago|a minute ago");
    assertThat(json(platform.get("/api/v1/audit/events/job/nothing").body())).isEmpty();
  }

  @Test
  @Order(10)
  void graph_showsFamiliesJobsAndWhoMayCallThem() {
    platform.post("/api/v1/escs", Map.of("name", "reports", "id", "reports"));
    platform.post("/api/v1/auth/allow/esc/reports/job/envy/scope/call_job", Map.of());
    JsonNode graph = json(platform.get("/api/v1/job/graph").body());
    assertThat(graph.path("nodes").findValuesAsText("id"))
        .contains("job-family-envy", "esc-reports");
    assertThat(graph.path("edges").toString())
        .contains(
            "{\"from_id\":\"esc-reports\",\"to_id\":\"job-family-envy\",\"type\":\"can_call\"}");
  }

  @Test
  @Order(12)
  void portfolio_filtersPerColumnOnTheServer() {
    Map<String, Integer> expectations = new LinkedHashMap<>();
    expectations.put("name=*nv&&}y", 1);
    expectations.put("name=!envy", 0);
    expectations.put("name==envy||=other", 1);
    expectations.put("name={env&version=rgx:^0\\.0\\.[0-9]$", 1);
    expectations.put("q=ENVY", 1);
    expectations.put("q=rgx:^nothing-like-this$", 0);
    expectations.put("update_time=>2020-01-01", 1);
    expectations.put("update_time=<2020-01-01", 0);
    expectations.put("purge_score=>=0&purge_newer_versions=<1", 1);
    expectations.put("deployed_by=[nonempty]", 1);
    expectations.put("deployed_by=[empty]", 0);
    expectations.forEach(
        (query, count) -> {
          HttpResponse<String> response = platform.get("/api/v1/job/portfolio?" + encode(query));
          assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
          assertThat(json(response.body()).size()).as(query).isEqualTo(count);
        });

    HttpResponse<String> unknown = platform.get("/api/v1/job/portfolio?colour=red");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown.body()).path("error").asText())
        .startsWith("unknown portfolio column 'colour'");
    HttpResponse<String> badRegex = platform.get("/api/v1/job/portfolio?" + encode("name=rgx:("));
    assertThat(badRegex.statusCode()).isEqualTo(400);
    assertThat(json(badRegex.body()).path("error").asText())
        .startsWith("filter of name: invalid regular expression");
    HttpResponse<String> badNumber =
        platform.get("/api/v1/job/portfolio?" + encode("purge_score=>lots"));
    assertThat(badNumber.statusCode()).isEqualTo(400);
    assertThat(json(badNumber.body()).path("error").asText())
        .isEqualTo("filter of purge_score: 'lots' is not a number");
  }

  /** Encodes the values of a query string (keys are plain). */
  private static String encode(String query) {
    List<String> parts = new ArrayList<>();
    for (String pair : query.split("(?<!&)&(?!&)")) {
      int eq = pair.indexOf('=');
      parts.add(
          pair.substring(0, eq + 1)
              + URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return String.join("&", parts);
  }

  @Test
  @Order(11)
  void secrets_neverAppearInLogsApiResponsesOrTheDatabase() throws Exception {
    StringBuilder everything = new StringBuilder();
    for (String path :
        List.of(
            "/api/v1/job",
            "/api/v1/deploy",
            "/api/v1/audit/events",
            "/api/v1/job/portfolio",
            "/api/v1/job/envy/0.0.1/build-logs")) {
      everything.append(platform.get(path).body());
    }
    try (Stream<Path> files = Files.walk(platform.dataDir())) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> !p.toString().contains("/postgres/") && !p.toString().contains("/cache/"))
              .toList()) {
        everything.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    everything.append(Files.readString(Path.of("target/platform-test.log")));
    everything.append(DatabaseDump.dump(platform.dataDir()));
    assertThat(everything.toString())
        .doesNotContain(RUNTIME_SECRET)
        .doesNotContain(BUILD_SECRET)
        .contains("GREETING");
  }

  private static String yaml(Map<String, Object> manifest) {
    try {
      return Json.yaml().writeValueAsString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
