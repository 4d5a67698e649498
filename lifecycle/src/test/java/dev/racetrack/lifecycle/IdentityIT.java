package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.model.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Users, ESCs, permissions, token regeneration and admin commands through the lifecycle API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityIT {
  private LifecycleFixture lifecycle;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of("REGISTRATIONS_PER_HOUR", "100"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private HttpResponse<String> put(String path, Object body, String token) {
    return lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("X-Racetrack-Auth", token)
            .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
  }

  private HttpResponse<String> delete(String path, String token) {
    return lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("X-Racetrack-Auth", token)
            .DELETE());
  }

  private HttpResponse<String> login(String user, String password) {
    return lifecycle.post(
        "/api/v1/users/login", Map.of("username", user, "password", password), null);
  }

  private static void assertError(HttpResponse<String> response, int status, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response.body()).path("error").asText()).contains(message);
  }

  @Test
  void register_thenStaffActivates_thenUserHasDefaultPermissions() {
    assertError(
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "nobody", "password", "Long enough 1"),
            null),
        400,
        "You have to pass email as username");
    for (String notAnAddress :
        List.of(
            "<script>alert(1)</script>@x.com",
            "a@b",
            "a b@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-example.com",
            "a@example..com",
            "a@b@example.com",
            "x".repeat(65) + "@example.com")) {
      assertError(
          lifecycle.post(
              "/api/v1/users/register",
              Map.of("username", notAnAddress, "password", "Long enough 1"),
              null),
          400,
          "You have to pass email as username");
    }
    assertError(
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "a@example.com", "password", "short1"),
            null),
        400,
        "at least 8 characters");
    assertError(
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "a@example.com", "password", "1234567890"),
            null),
        400,
        "entirely numeric");
    assertError(
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "a@example.com", "password", "Password1"),
            null),
        400,
        "too common");

    HttpResponse<String> ok =
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "alice@example.com", "password", "correct horse battery"),
            null);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json(ok.body()).path("message").asText())
        .contains("wait till Racetrack admin activates your account");
    assertError(
        lifecycle.post(
            "/api/v1/users/register",
            Map.of("username", "alice@example.com", "password", "correct horse battery"),
            null),
        409,
        "Username already exists");

    assertError(
        login("alice@example.com", "correct horse battery"),
        401,
        "a Racetrack admin must activate it");
    HttpResponse<String> activated =
        put("/api/v1/users/alice@example.com", Map.of("is_active", true), admin);
    assertThat(json(activated.body()).path("is_active").asBoolean()).isTrue();
    String alice =
        json(login("alice@example.com", "correct horse battery").body()).path("token").asText();

    assertThat(lifecycle.get("/api/v1/job", alice).statusCode()).isEqualTo(200);
    assertThat(
            lifecycle
                .get("/api/v1/auth/allowed/job/new-family/latest/scope/deploy_new_family", alice)
                .statusCode())
        .isEqualTo(202);
    assertThat(
            lifecycle.get("/api/v1/auth/allowed/job/any/latest/scope/call_job", alice).statusCode())
        .isEqualTo(202);
    assertError(
        lifecycle.get("/api/v1/auth/allowed/job/any/latest/scope/delete_job", alice),
        401,
        "does not have permission");
    assertError(lifecycle.get("/api/v1/users", alice), 401, "only staff users may do this");
    assertError(
        put("/api/v1/users/admin@example.com", Map.of("is_staff", true), alice),
        401,
        "only staff users may do this");

    put("/api/v1/users/alice@example.com", Map.of("is_active", false), admin);
    assertError(lifecycle.get("/api/v1/job", alice), 401, "is not active");
    assertThat(json(lifecycle.get("/api/v1/users", admin).body()).findValuesAsText("username"))
        .contains("admin", "alice@example.com");
  }

  @Test
  void changePassword_checksTheOldOne_andThePolicy() {
    lifecycle.post(
        "/api/v1/users/register",
        Map.of("username", "bob@example.com", "password", "first good phrase"),
        null);
    put("/api/v1/users/bob@example.com", Map.of("is_active", true), admin);
    String bob = json(login("bob@example.com", "first good phrase").body()).path("token").asText();

    assertError(
        put(
            "/api/v1/users/change_password",
            Map.of("old_password", "wrong", "new_password", "second good phrase"),
            bob),
        401,
        "Passed password is incorrect.");
    assertError(
        put(
            "/api/v1/users/change_password",
            Map.of("old_password", "first good phrase", "new_password", "short"),
            bob),
        400,
        "at least 8");
    assertThat(
            put(
                    "/api/v1/users/change_password",
                    Map.of(
                        "old_password", "first good phrase", "new_password", "second good phrase"),
                    bob)
                .statusCode())
        .isEqualTo(200);
    assertThat(login("bob@example.com", "second good phrase").statusCode()).isEqualTo(200);
    assertThat(login("bob@example.com", "first good phrase").statusCode()).isEqualTo(401);

    put("/api/v1/users/bob@example.com", Map.of("password", "third good phrase"), admin);
    assertThat(login("bob@example.com", "third good phrase").statusCode()).isEqualTo(200);
    List<String> bobsEvents = new ArrayList<>();
    json(lifecycle.get("/api/v1/audit/activity?limit=100", admin).body())
        .path("events")
        .forEach(
            e -> {
              if (e.path("username_subject").asText().equals("bob@example.com")) {
                bobsEvents.add(
                    e.path("event_type").asText() + " by " + e.path("username_executor").asText());
              }
            });
    assertThat(bobsEvents.subList(0, 3))
        .as("newest first: both password changes are one event type, no user_updated for either")
        .containsExactly(
            "password_changed by admin",
            "password_changed by bob@example.com",
            "user_updated by admin");
  }

  @Test
  void login_isThrottledAfterRepeatedFailures() {
    lifecycle.post(
        "/api/v1/users/register",
        Map.of("username", "carol@example.com", "password", "carol good phrase"),
        null);
    for (int i = 0; i < 5; i++) {
      assertThat(login("carol@example.com", "guess " + i).statusCode()).isEqualTo(401);
    }
    assertError(
        login("carol@example.com", "carol good phrase"), 429, "too many failed login attempts");
  }

  @Test
  void escs_tokensWithExpiry_lastUse_andRevocation() {
    assertError(lifecycle.post("/api/v1/escs", Map.of(), admin), 400, "name is required");
    assertError(
        lifecycle.post("/api/v1/escs", Map.of("name", "n".repeat(5000)), admin),
        400,
        "name is too long: at most 512 characters, got 5000");
    JsonNode esc =
        json(
            lifecycle
                .post("/api/v1/escs", Map.of("name", "billing", "id", "billing-esc"), admin)
                .body());
    assertThat(esc.path("id").asText()).isEqualTo("billing-esc");
    assertError(
        lifecycle.post("/api/v1/escs", Map.of("name", "again", "id", "billing-esc"), admin),
        409,
        "already exists");
    assertThat(json(lifecycle.get("/api/v1/escs", admin).body()).findValuesAsText("name"))
        .contains("billing");

    String callerToken =
        json(lifecycle.get("/api/v1/auth/token/esc/billing-esc", admin).body())
            .path("token")
            .asText();
    assertThat(lifecycle.get("/api/v1/job", callerToken).statusCode())
        .as("an ESC may not read jobs by default")
        .isEqualTo(401);
    assertError(
        lifecycle.post(
            "/api/v1/escs/billing-esc/auth_token",
            Map.of("expiry_time", Instant.now().minusSeconds(5).getEpochSecond()),
            admin),
        400,
        "must be in the future");
    JsonNode second =
        json(
            lifecycle
                .post(
                    "/api/v1/escs/billing-esc/auth_token",
                    Map.of("expiry_time", Instant.now().plusSeconds(3600).getEpochSecond()),
                    admin)
                .body());
    assertThat(second.path("expiry_time").asLong()).isGreaterThan(Instant.now().getEpochSecond());

    lifecycle.post("/api/v1/auth/allow/esc/billing-esc/job/adder/scope/read_job", Map.of(), admin);
    assertThat(
            lifecycle
                .get(
                    "/api/v1/auth/allowed/job/adder/latest/scope/read_job",
                    second.path("token").asText())
                .statusCode())
        .isEqualTo(202);
    JsonNode authData = json(lifecycle.get("/api/v1/escs/billing-esc/auth_data", admin).body());
    assertThat(authData.path("tokens")).hasSize(2);
    assertThat(authData.path("tokens").get(1).path("last_use_time").isNull()).isFalse();

    assertThat(
            delete("/api/v1/escs/billing-esc/auth_token/" + second.path("id").asText(), admin)
                .statusCode())
        .isEqualTo(200);
    assertError(
        lifecycle.get(
            "/api/v1/auth/allowed/job/adder/latest/scope/read_job", second.path("token").asText()),
        401,
        "wrong credentials: token is unknown");
    assertError(
        delete("/api/v1/escs/billing-esc/auth_token/" + second.path("id").asText(), admin),
        404,
        "has no token");
  }

  @Test
  void legacyBase64EscToken_isAcceptedWhenItsRowExists() {
    lifecycle.post("/api/v1/escs", Map.of("name", "old-client", "id", "legacy-esc"), admin);
    lifecycle.post("/api/v1/auth/allow/esc/legacy-esc/job/adder/scope/read_job", Map.of(), admin);
    String legacy =
        Base64.getEncoder()
            .encodeToString(
                "{\"esc-id\": \"legacy-esc\", \"api-key\": \"k3y\"}"
                    .getBytes(StandardCharsets.UTF_8));
    assertError(
        lifecycle.get("/api/v1/auth/allowed/job/adder/latest/scope/read_job", legacy),
        401,
        "wrong credentials: token is unknown");
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              String subject =
                  h.createQuery("SELECT id FROM registry_authsubject WHERE esc_id = 'legacy-esc'")
                      .mapTo(String.class)
                      .one();
              new AuthTokenRepository(
                      lifecycle.jdbi(),
                      LifecycleApp.secretBox(
                          LifecycleConfig.fromEnv(
                              Map.of("RACETRACK_DATA_DIR", lifecycle.dataDir().toString()),
                              LifecycleFixture.AUTH_KEY,
                              "t")))
                  .insert(h, subject, legacy, Optional.empty());
            });
    assertThat(
            lifecycle
                .get("/api/v1/auth/allowed/job/adder/latest/scope/read_job", legacy)
                .statusCode())
        .isEqualTo(202);
  }

  /** Creates the ESC {@code id} and returns a grant of call_job to it, with {@code narrowing}. */
  private Map<String, Object> escGrant(String id, Map<String, Object> narrowing) {
    lifecycle.post("/api/v1/escs", Map.of("name", id, "id", id), admin);
    Map<String, Object> grant =
        new HashMap<>(Map.of("subject_type", "esc", "subject", id, "scope", "call_job"));
    grant.putAll(narrowing);
    return grant;
  }

  @Test
  void permissions_staffGrantListAndRevoke() {
    Map<String, Object> grant =
        escGrant("reporting", Map.of("job_family", "adder", "endpoint", "/api/v1/perform"));
    JsonNode created = json(lifecycle.post("/api/v1/auth/permissions", grant, admin).body());
    assertThat(created.path("subject").asText()).isEqualTo("ESC: reporting");
    assertThat(created.path("endpoint").asText()).isEqualTo("/api/v1/perform");
    grant.put("scope", "fly_to_the_moon");
    assertError(
        lifecycle.post("/api/v1/auth/permissions", grant, admin),
        400,
        "unknown scope 'fly_to_the_moon'");
    grant.put("scope", "read_job");
    grant.put("subject", "no-such-esc");
    assertError(
        lifecycle.post("/api/v1/auth/permissions", grant, admin), 404, "ESC no-such-esc not found");

    List<String> listed =
        json(lifecycle
                .get("/api/v1/auth/permissions?subject_type=esc&subject=reporting", admin)
                .body())
            .findValuesAsText("scope");
    assertThat(listed).containsExactly("call_job");
    long id = created.path("id").asLong();
    assertThat(delete("/api/v1/auth/permissions/" + id, admin).statusCode()).isEqualTo(200);
    assertError(delete("/api/v1/auth/permissions/" + id, admin), 404, "not found");
    assertError(delete("/api/v1/auth/permissions/abc", admin), 400, "must be a number");
  }

  @Test
  void permissions_aVersionWithoutItsJob_isRefused_notWidenedToEveryJob() {
    Map<String, Object> grant = escGrant("narrow", Map.of("job_version", "0.0.1"));
    assertError(
        lifecycle.post("/api/v1/auth/permissions", grant, admin),
        400,
        "job_version '0.0.1' needs job_name");
    grant.put("job_family", "adder");
    assertError(
        lifecycle.post("/api/v1/auth/permissions", grant, admin),
        400,
        "job_version '0.0.1' needs job_name");
    grant.remove("job_version");
    grant.put("endpoint", "/" + "e".repeat(300));
    assertError(
        lifecycle.post("/api/v1/auth/permissions", grant, admin),
        400,
        "endpoint is too long: at most 256 characters, got 301");
    assertThat(
            json(
                lifecycle
                    .get("/api/v1/auth/permissions?subject_type=esc&subject=narrow", admin)
                    .body()))
        .as("nothing granted")
        .isEmpty();
  }

  @Test
  void staff_cannotDeactivateOrDemoteThemselves() {
    for (Map<String, Object> update :
        List.<Map<String, Object>>of(Map.of("is_active", false), Map.of("is_staff", false))) {
      assertError(
          put("/api/v1/users/admin", update, admin),
          400,
          "you cannot deactivate your own account or take away your own staff status");
    }
    assertThat(lifecycle.get("/api/v1/users", admin).statusCode())
        .as("still an active staff user")
        .isEqualTo(200);
    assertThat(put("/api/v1/users/admin", Map.of("is_active", true), admin).statusCode())
        .isEqualTo(200);
  }

  @Test
  void register_anOverlongUsername_isRefusedNamingTheLimit() {
    String name = "u".repeat(200) + "@example.com";
    assertError(
        lifecycle.post(
            "/api/v1/users/register", Map.of("username", name, "password", "a good phrase"), null),
        400,
        "username is too long: at most 150 characters, got 212");
  }

  @Test
  void regenerate_ownTokens_replacesThem() {
    lifecycle.post(
        "/api/v1/users/register",
        Map.of("username", "dave@example.com", "password", "dave good phrase"),
        null);
    put("/api/v1/users/dave@example.com", Map.of("is_active", true), admin);
    String old = json(login("dave@example.com", "dave good phrase").body()).path("token").asText();
    HttpResponse<String> regenerated =
        lifecycle.post("/api/v1/auth/token/user/regenerate", Map.of(), old);
    String fresh = json(regenerated.body()).path("new_token").asText();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(regenerated.headers().firstValue("Set-Cookie"))
        .as("sessions are separate")
        .isEmpty();
    assertError(lifecycle.get("/api/v1/job", old), 401, "token is unknown");
    assertThat(lifecycle.get("/api/v1/job", fresh).statusCode()).isEqualTo(200);
  }

  @Test
  void adminCommands_generateAuth_changePassword_createSuperuser() {
    Map<String, String> env =
        Map.of(
            "RACETRACK_DATA_DIR",
            lifecycle.dataDir().toString(),
            "AUTH_KEY",
            LifecycleFixture.AUTH_KEY,
            "DATABASE_URL",
            lifecycle.jdbcUrl(),
            "POSTGRES_USER",
            "postgres",
            "POSTGRES_PASSWORD",
            "",
            "POSTGRES_SCHEMA",
            lifecycle.schema());
    String token =
        runAdmin(env, "", "generate-auth", "admin", "--lifetime", "1h", "--short").strip();
    assertThat(lifecycle.get("/api/v1/users", token).statusCode())
        .as("internal full-access token")
        .isEqualTo(200);
    String full = runAdmin(env, "", "generate-auth", "pub", "--lifetime", "30d");
    assertThat(full).startsWith("Service: pub\nToken id: ").contains("\nLIFECYCLE_AUTH_TOKEN:\n");

    assertThat(runAdmin(env, "emergency phrase one\n", "changepassword", "admin"))
        .contains("Password changed successfully for user 'admin'");
    assertThat(login("admin", "emergency phrase one").statusCode()).isEqualTo(200);
    assertThat(
            runAdmin(
                env,
                "root@example.com\nroot@example.com\nroot phrase for all\n",
                "createsuperuser"))
        .contains("Superuser 'root@example.com' created");
    assertThat(
            json(login("root@example.com", "root phrase for all").body())
                .path("is_staff")
                .asBoolean())
        .isTrue();
    assertThat(runAdmin(env, "short\n", "changepassword", "admin"))
        .contains("error: password is not accepted");
    // keep the admin password the fixture knows, for the other tests
    runAdmin(env, LifecycleFixture.ADMIN_PASSWORD + "\n", "changepassword", "admin");
    // a password change replaces the API token: the other tests need the new one
    admin = lifecycle.adminToken();
  }

  @Test
  void apiDocs_areServedWithAnAuthorizeButton() {
    HttpResponse<String> page = lifecycle.get("/lifecycle/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("swagger-ui-bundle.js").doesNotContain("https://");
    JsonNode spec = json(lifecycle.get("/lifecycle/openapi.json", null).body());
    assertThat(
            spec.path("components")
                .path("securitySchemes")
                .path("racetrackAuth")
                .path("name")
                .asText())
        .isEqualTo("X-Racetrack-Auth");
    assertThat(spec.path("paths").has("/api/v1/auth/token/user/regenerate")).isTrue();
    assertThat(spec.path("paths").path("/api/v1/job/{name}/{version}").has("get")).isTrue();
    assertThat(lifecycle.get("/lifecycle/swagger-ui/swagger-ui.css", null).statusCode())
        .isEqualTo(200);
  }

  private static String runAdmin(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AdminContext context =
        new AdminContext(
            env,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    AdminCommands.commandLine(context).execute(args);
    return out.toString(StandardCharsets.UTF_8);
  }
}
