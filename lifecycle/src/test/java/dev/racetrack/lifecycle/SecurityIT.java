package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trust boundaries between users (issue #7 §2), each reproduced as bob, an ordinary activated user,
 * against admin on a fresh platform: default rights, deploying over someone else's version, stored
 * secrets, narrowed grants, staff-only operations, per-job reads and the gateway's question.
 */
class SecurityIT {
  private static final String PASSWORD = "Plenty-Of-Entropy-42";
  private static final String INTERNAL_TOKEN = "internal-token";
  private static final String INTERNAL_TOKEN_HEADER = "X-Racetrack-Internal-Token";

  private FakeImageBuilderFixture imageBuilder;
  private LifecycleFixture lifecycle;
  private String admin;
  private String bob;

  @BeforeEach
  void start() {
    imageBuilder = new FakeImageBuilderFixture();
    lifecycle = new LifecycleFixture(Map.of("IMAGE_BUILDER_URL", imageBuilder.url()));
    admin = lifecycle.adminToken();
    bob = activeUser("bob@example.com");
  }

  @AfterEach
  void stop() {
    lifecycle.close();
    imageBuilder.close();
  }

  @Test
  void newUser_hasNoDeployRightsOnOthersJobs_soForceReprovisionRedeployAndDeleteAreRefused() {
    insertAdminJob("adder", "1.0.0");

    assertStatus(deploy(bob, "adder", "1.0.0", true, Map.of()), 401);
    assertStatus(lifecycle.post("/api/v1/job/adder/1.0.0/reprovision", Map.of(), bob), 401);
    assertStatus(lifecycle.post("/api/v1/job/adder/1.0.0/redeploy", Map.of(), bob), 401);
    assertStatus(delete("/api/v1/job/adder/1.0.0", bob), 401);
    assertThat(imageBuilder.requests()).isEmpty();
    assertThat(permissionsOf("bob@example.com"))
        .as("a new user's default grants")
        .containsExactlyInAnyOrder("read_job/*", "call_job/*", "deploy_new_family/*");
  }

  @Test
  void build_forRunLocal_asksForAnImage_registersNoJob_andNeedsTheRightsOfADeploy() {
    insertAdminJob("adder", "1.0.0");
    Map<String, Object> payload = Map.of("manifest", manifest("adder", "2.0.0"));
    assertStatus(lifecycle.post("/api/v1/build", payload, bob), 401);
    assertThat(imageBuilder.requests()).isEmpty();

    JsonNode built =
        awaitFinished(
            id(
                lifecycle.post(
                    "/api/v1/build", Map.of("manifest", manifest("bobs-tool", "1.0.0")), bob)));

    assertThat(built.path("status").asText()).as(built.toString()).isEqualTo("done");
    assertThat(built.path("image_name").asText()).isEqualTo("/nonexistent/fake-artifact");
    assertThat(lastBuild().path("output").asText()).isEqualTo("image");
    assertStatus(lifecycle.get("/api/v1/job/bobs-tool/1.0.0", admin), 404);
  }

  @Test
  void firstDeployer_ofANewFamily_ownsIt_andOtherUsersMayNotDeployIntoIt() {
    String carol = activeUser("carol@example.com");

    String first = id(deploy(bob, "bobs-job", "1.0.0", false, Map.of()));
    awaitFinished(first); // built, then fails to start: the fake artifact does not exist
    assertThat(lastBuild().path("deployer").asText())
        .as("the image builder is told who deploys (the image's deployer label)")
        .isEqualTo("bob@example.com");

    assertThat(permissionsOf("bob@example.com"))
        .contains("deploy_job/bobs-job", "delete_job/bobs-job");
    HttpResponse<String> refused = deploy(carol, "bobs-job", "2.0.0", false, Map.of());
    assertStatus(refused, 401);
    assertThat(json(refused.body()).path("error").asText())
        .as("a new version is checked against the family, and named so")
        .contains("access resource \"bobs-job\" with scope \"deploy_job\"");
    assertStatus(
        lifecycle.get("/api/v1/auth/allowed/job/bobs-job/latest/scope/deploy_job", carol), 401);
    assertStatus(
        lifecycle.get("/api/v1/auth/allowed/job/bobs-job/latest/scope/delete_job", bob), 202);
    assertStatus(deploy(bob, "bobs-job", "1.0.1", false, Map.of()), 200);
  }

  @Test
  void deployByAnotherPrincipal_overAVersion_neverInheritsItsStoredSecrets() {
    insertAdminJob("adder", "1.0.0");
    awaitFinished(id(deploy(admin, "adder", "1.0.0", true, adminSecrets())));
    grant("user", "bob@example.com", "deploy_job", "adder", Map.of());

    awaitFinished(id(deploy(bob, "adder", "1.0.0", true, Map.of())));
    awaitFinished(id(lifecycle.post("/api/v1/job/adder/1.0.0/redeploy", Map.of(), admin)));

    JsonNode rebuild = lastBuild();
    assertThat(rebuild.path("git_credentials").isNull()).as(rebuild.toString()).isTrue();
    assertThat(rebuild.path("secret_build_env").size()).as(rebuild.toString()).isZero();
  }

  @Test
  void secrets_areStoredOnlyAfterTheBuildSucceeded() {
    insertAdminJob("adder", "1.0.0");
    awaitFinished(id(deploy(admin, "adder", "1.0.0", true, adminSecrets())));
    grant("user", "bob@example.com", "deploy_job", "adder", Map.of());

    imageBuilder.failNextBuild();
    Map<String, Object> bobSecrets =
        Map.of("secret_vars", Map.of("build_env", Map.of("TOKEN", "bob-secret")));
    JsonNode failed = awaitFinished(id(deploy(bob, "adder", "1.0.0", true, bobSecrets)));
    assertThat(failed.path("error").asText()).contains("fake build failure");
    awaitFinished(id(lifecycle.post("/api/v1/job/adder/1.0.0/redeploy", Map.of(), admin)));

    JsonNode rebuild = lastBuild();
    assertThat(rebuild.path("secret_build_env").path("TOKEN").asText()).isEqualTo("admin-secret");
    assertThat(rebuild.path("git_credentials").path("username").asText()).isEqualTo("admin-git");
  }

  @Test
  void manifestEdit_changingTheGitRemote_dropsStoredGitCredentials_butKeepsSecretVariables() {
    insertAdminJob("adder", "1.0.0");
    awaitFinished(id(deploy(admin, "adder", "1.0.0", true, adminSecrets())));
    Map<String, Object> edited = manifest("adder", "1.0.0");
    edited.put("git", Map.of("remote", "https://example.com/somebody-else/adder"));

    assertStatus(
        put("/api/v1/job/adder/1.0.0/manifest", Map.of("manifest_yaml", yaml(edited)), admin), 200);
    awaitFinished(id(lifecycle.post("/api/v1/job/adder/1.0.0/redeploy", Map.of(), admin)));

    JsonNode rebuild = lastBuild();
    assertThat(rebuild.path("manifest").path("git").path("remote").asText())
        .isEqualTo("https://example.com/somebody-else/adder");
    assertThat(rebuild.path("git_credentials").isNull()).as(rebuild.toString()).isTrue();
    assertThat(rebuild.path("secret_build_env").path("TOKEN").asText()).isEqualTo("admin-secret");
  }

  @Test
  void narrowedGrants_neverCountAsJobWideOrGlobal() {
    insertAdminJob("adder", "1.0.0");
    grant(
        "user",
        "bob@example.com",
        "delete_job",
        "",
        Map.of("job_name", "adder", "job_version", "1.0.0", "endpoint", "/api/v1/perform"));
    assertStatus(delete("/api/v1/job/adder/1.0.0", bob), 401);
    assertStatus(lifecycle.get("/api/v1/job/adder/1.0.0", admin), 200);

    grant("user", "bob@example.com", "full_access", "adder", Map.of());
    String esc = createEsc("billing");
    assertStatus(
        lifecycle.post(
            "/api/v1/auth/allow/esc/" + esc + "/job/adder/scope/call_job", Map.of(), bob),
        401);
    assertStatus(lifecycle.post("/api/v1/job/all/reconcile", Map.of(), bob), 401);
    assertStatus(lifecycle.post("/api/v1/auth/token/esc/regenerate", Map.of(), bob), 401);
  }

  @Test
  void grantingFullAccessOrAdminApi_andRegeneratingEveryonesTokens_areStaffOnly() {
    insertAdminJob("adder", "1.0.0");
    grant("user", "bob@example.com", "call_admin_api", "", Map.of());
    String esc = createEsc("billing");
    String allowEsc = "/api/v1/auth/allow/esc/" + esc + "/job/adder/scope/";

    assertStatus(lifecycle.post(allowEsc + "full_access", Map.of(), bob), 401);
    assertStatus(lifecycle.post(allowEsc + "call_admin_api", Map.of(), bob), 401);
    assertStatus(
        lifecycle.post(
            "/api/v1/auth/allow/job_family/adder/job/adder/scope/full_access", Map.of(), bob),
        401);
    assertStatus(lifecycle.post(allowEsc + "call_job", Map.of(), bob), 200);
    for (String kind : List.of("esc", "job_family", "user/all")) {
      assertStatus(
          lifecycle.post("/api/v1/auth/token/" + kind + "/regenerate", Map.of(), bob), 401);
    }
    assertStatus(lifecycle.post("/api/v1/auth/token/esc/regenerate", Map.of(), admin), 200);
    assertStatus(lifecycle.post(allowEsc + "full_access", Map.of(), admin), 200);
  }

  @Test
  void escToken_seesNoDeploymentsManifestsOrAuditEventsOfJobsItCannotRead() {
    String deployment = id(deploy(admin, "adder", "1.0.0", false, Map.of()));
    awaitFinished(deployment);
    String esc = createEsc("billing");
    String escToken =
        json(lifecycle.get("/api/v1/auth/token/esc/" + esc, admin).body()).path("token").asText();
    lifecycle.post("/api/v1/auth/allow/esc/" + esc + "/job/adder/scope/call_job", Map.of(), admin);

    assertThat(json(lifecycle.get("/api/v1/deploy", escToken).body())).isEmpty();
    assertStatus(lifecycle.get("/api/v1/deploy/" + deployment, escToken), 404);
    assertStatus(
        lifecycle.get("/api/v1/deploy/" + deployment + "/build-logs/stream", escToken), 404);
    assertThat(json(lifecycle.get("/api/v1/audit/events", escToken).body())).isEmpty();
    assertThat(json(lifecycle.get("/api/v1/audit/events/job/adder", escToken).body())).isEmpty();
    assertStatus(lifecycle.get("/api/v1/job/graph", escToken), 401);

    // bob may read every job (the default read_job), so he sees the deployment and its events
    assertThat(json(lifecycle.get("/api/v1/deploy", bob).body()).findValuesAsText("id"))
        .contains(deployment);
    assertStatus(lifecycle.get("/api/v1/deploy/" + deployment, bob), 200);
    assertThat(json(lifecycle.get("/api/v1/audit/events/job/adder", bob).body())).isNotEmpty();
  }

  @Test
  void userWithReadOnOneFamily_seesOnlyThatFamilysDeployments() {
    String adder = id(deploy(admin, "adder", "1.0.0", false, Map.of()));
    String other = id(deploy(admin, "other", "1.0.0", false, Map.of()));
    awaitFinished(adder);
    awaitFinished(other);
    String dave = activeUser("dave@example.com");
    lifecycle
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    """
                    DELETE FROM registry_authresourcepermission WHERE scope = 'read_job'
                      AND auth_subject_id = (SELECT s.id FROM registry_authsubject s
                        JOIN auth_user u ON u.id = s.user_id WHERE u.username = 'dave@example.com')
                    """));
    grant("user", "dave@example.com", "read_job", "adder", Map.of());

    assertThat(json(lifecycle.get("/api/v1/deploy", dave).body()).findValuesAsText("id"))
        .contains(adder)
        .doesNotContain(other);
    assertStatus(lifecycle.get("/api/v1/deploy/" + other, dave), 404);
    assertStatus(lifecycle.get("/api/v1/deploy/" + other + "/build-logs/stream", dave), 404);
    assertStatus(lifecycle.get("/api/v1/deploy/" + adder + "/build-logs/stream", dave), 200);
    assertThat(
            json(lifecycle.get("/api/v1/audit/events", dave).body()).findValuesAsText("job_name"))
        .doesNotContain("other");
  }

  @Test
  void graph_showsOrdinaryUsersNoOtherUsers_butStaffSeesThemAll() {
    insertAdminJob("adder", "1.0.0");
    activeUser("carol@example.com");

    List<String> seenByBob =
        json(lifecycle.get("/api/v1/job/graph", bob).body()).path("nodes").findValuesAsText("id");
    List<String> seenByAdmin =
        json(lifecycle.get("/api/v1/job/graph", admin).body()).path("nodes").findValuesAsText("id");

    assertThat(seenByBob).contains("job-family-adder", "user-bob@example.com");
    assertThat(seenByBob).doesNotContain("user-carol@example.com");
    assertThat(seenByAdmin).contains("user-bob@example.com", "user-carol@example.com");
  }

  @Test
  void canCallJob_answersOnlyTheGateway_withOnlyWhatItReads() {
    insertAdminJob("adder", "1.0.0");
    String path = "/api/v1/auth/can-call-job/adder/1.0.0/api/v1/perform";

    assertStatus(lifecycle.get("/api/v1/auth/can-call-job/adder/1.0.0/health", null), 401);
    assertStatus(lifecycle.get(path, admin), 401);
    assertStatus(gatewayAsks(path, "not-the-internal-token", admin), 401);
    HttpResponse<String> answer = gatewayAsks(path, INTERNAL_TOKEN, admin);

    assertStatus(answer, 200);
    JsonNode body = json(answer.body());
    assertThat(fieldNames(body)).containsExactly("job", "caller");
    assertThat(fieldNames(body.path("job")))
        .containsExactly("name", "version", "internal_name", "status");
    assertThat(body.path("caller").asText()).isEqualTo("User admin");
  }

  @Test
  void jobAddress_answersOnlyTheGateway_andNamesWhereTheJobIs() {
    insertAdminJob("adder", "1.0.0");
    String path = "/api/v1/auth/job-address/adder/1.0.0";

    assertStatus(lifecycle.get(path, null), 401);
    assertStatus(lifecycle.get(path, admin), 401);
    assertStatus(gatewayAsks(path, "not-the-internal-token", null), 401);
    assertStatus(gatewayAsks("/api/v1/auth/job-address/nope/1.0.0", INTERNAL_TOKEN, null), 404);
    HttpResponse<String> answer = gatewayAsks(path, INTERNAL_TOKEN, null);

    assertStatus(answer, 200);
    JsonNode body = json(answer.body());
    assertThat(fieldNames(body)).containsExactly("name", "version", "internal_name", "status");
    assertThat(body.path("name").asText()).isEqualTo("adder");
    assertThat(gatewayAsks("/api/v1/auth/job-address/adder/latest", INTERNAL_TOKEN, null).body())
        .contains("\"version\":\"1.0.0\"");
  }

  @Test
  void publicEndpoints_matchOnPathSegmentBoundaries() {
    String job = insertAdminJob("adder", "1.0.0");
    for (String endpoint : List.of("/api/v1/perf", "/api/v1/webview")) {
      lifecycle
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "INSERT INTO registry_publicendpointrequest (id, job_id, endpoint, active) VALUES (?, ?, ?, TRUE)",
                      UUID.randomUUID().toString(),
                      job,
                      endpoint));
    }
    String base = "/api/v1/auth/can-call-job/adder/1.0.0";

    assertStatus(gatewayAsks(base + "/api/v1/perf", INTERNAL_TOKEN, null), 200);
    assertStatus(gatewayAsks(base + "/api/v1/perf/sub", INTERNAL_TOKEN, null), 200);
    assertStatus(gatewayAsks(base + "/api/v1/perform", INTERNAL_TOKEN, null), 401);
    assertStatus(gatewayAsks(base + "/api/v1/perfX", INTERNAL_TOKEN, null), 401);
    assertStatus(gatewayAsks(base + "/api/v1/webview", INTERNAL_TOKEN, null), 200);
    assertStatus(gatewayAsks(base + "/api/v1/webview/x", INTERNAL_TOKEN, null), 200);
    assertStatus(gatewayAsks(base + "/api/v1/webviewx", INTERNAL_TOKEN, null), 401);
  }

  // --- helpers

  private String activeUser(String username) {
    return lifecycle.activeUser(username, PASSWORD);
  }

  private static Map<String, Object> manifest(String name, String version) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("version", version);
    m.put("owner_email", "owner@example.com");
    m.put("jobtype", "python3:latest");
    m.put("git", Map.of("remote", "https://example.com/owner/" + name));
    m.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return m;
  }

  private static String yaml(Map<String, Object> manifest) {
    try {
      return Json.yaml().writeValueAsString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running job of admin's, as a finished deployment leaves it; returns its id. */
  private String insertAdminJob(String name, String version) {
    String id = UUID.randomUUID().toString();
    lifecycle
        .jdbi()
        .useTransaction(
            h -> {
              h.execute(
                  "INSERT INTO registry_jobfamily (id, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                  UUID.randomUUID().toString(),
                  name);
              h.execute(
                  """
                  INSERT INTO registry_job (id, family_id, name, version, status, manifest, internal_name,
                    deployed_by, infrastructure_target)
                  SELECT ?, f.id, ?, ?, 'running', ?, '127.0.0.1:1', 'admin', 'local'
                  FROM registry_jobfamily f WHERE f.name = ?
                  """,
                  id,
                  name,
                  version,
                  yaml(manifest(name, version)),
                  name);
            });
    return id;
  }

  private static Map<String, Object> adminSecrets() {
    return Map.of(
        "git_credentials",
        Map.of("username", "admin-git", "password", "admin-git-password"),
        "secret_vars",
        Map.of("build_env", Map.of("TOKEN", "admin-secret")));
  }

  private HttpResponse<String> deploy(
      String token, String name, String version, boolean force, Map<String, Object> secrets) {
    Map<String, Object> payload = new HashMap<>(secrets);
    payload.put("manifest", manifest(name, version));
    payload.put("force", force);
    return lifecycle.post("/api/v1/deploy", payload, token);
  }

  private static String id(HttpResponse<String> accepted) {
    assertStatus(accepted, 200);
    return json(accepted.body()).path("id").asText();
  }

  /** Waits until the deployment is done or failed and returns it. */
  private JsonNode awaitFinished(String deploymentId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> json(lifecycle.get("/api/v1/deploy/" + deploymentId, admin).body()),
            d -> !d.path("status").asText().equals("in_progress"));
  }

  private JsonNode lastBuild() {
    List<JsonNode> requests = imageBuilder.requests();
    assertThat(requests).isNotEmpty();
    return requests.getLast();
  }

  private void grant(
      String subjectType, String subject, String scope, String family, Map<String, String> more) {
    Map<String, Object> body = new HashMap<>(more);
    body.put("subject_type", subjectType);
    body.put("subject", subject);
    body.put("scope", scope);
    if (!family.isEmpty()) {
      body.put("job_family", family);
    }
    assertStatus(lifecycle.post("/api/v1/auth/permissions", body, admin), 200);
  }

  /** The subject's grants as {@code scope/family} ({@code *} for everything). */
  private List<String> permissionsOf(String username) {
    JsonNode all =
        json(lifecycle.get("/api/v1/auth/permissions?subject=" + username, admin).body());
    List<String> out = new ArrayList<>();
    for (JsonNode p : all) {
      if (p.path("job_name").isTextual() || p.path("endpoint").isTextual()) {
        continue; // per-job grants
      }
      String family = p.path("job_family").isTextual() ? p.path("job_family").asText() : "*";
      out.add(p.path("scope").asText() + "/" + family);
    }
    return out;
  }

  private String createEsc(String name) {
    HttpResponse<String> created = lifecycle.post("/api/v1/escs", Map.of("name", name), admin);
    assertStatus(created, 200);
    return json(created.body()).path("id").asText();
  }

  private HttpResponse<String> gatewayAsks(String path, String internalToken, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header(INTERNAL_TOKEN_HEADER, internalToken)
            .GET();
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return lifecycle.send(request);
  }

  private HttpResponse<String> put(String path, Object body, String token) {
    return lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("Content-Type", "application/json")
            .header("X-Racetrack-Auth", token)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))));
  }

  private HttpResponse<String> delete(String path, String token) {
    return lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("X-Racetrack-Auth", token)
            .DELETE());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static void assertStatus(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }
}
