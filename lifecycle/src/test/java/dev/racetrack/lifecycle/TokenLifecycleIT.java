package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenPayload;
import dev.racetrack.model.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Issue #7 §3 and §4: internal token expiry and revocation, sessions apart from API tokens. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenLifecycleIT {
  private LifecycleFixture lifecycle;
  private LifecycleFixture proxied;
  private String admin;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of("REGISTRATIONS_PER_HOUR", "100"));
    proxied = new LifecycleFixture(Map.of("TRUSTED_PROXIES", "127.0.0.1"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    lifecycle.close();
    proxied.close();
  }

  private Map<String, String> adminEnv() {
    return Map.of(
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
  }

  private static String runAdmin(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AdminContext context =
        new AdminContext(
            env,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    AdminCommands.commandLine(context).execute(args);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void assertError(HttpResponse<String> response, int status, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response.body()).path("error").asText()).contains(message);
  }

  @Test
  void generateAuth_withoutLifetime_isRefused() {
    assertThat(runAdmin(adminEnv(), "generate-auth", "tool", "--short"))
        .contains("Missing required option: '--lifetime");
  }

  @Test
  void internalToken_revokedById_isRefused() {
    String printed = runAdmin(adminEnv(), "generate-auth", "tool", "--lifetime", "1h");
    String id = printed.lines().filter(l -> l.startsWith("Token id: ")).findFirst().orElseThrow();
    String token = printed.strip().lines().toList().getLast();
    assertThat(lifecycle.get("/api/v1/users", token).statusCode()).isEqualTo(200);

    assertThat(runAdmin(adminEnv(), "revoke-auth", id.substring("Token id: ".length())))
        .contains("revoked");
    assertError(lifecycle.get("/api/v1/users", token), 401, "has been revoked");
  }

  @Test
  void internalToken_expiredOrWithoutExpiryOrUnlisted_isRefused() {
    Jwt jwt = new Jwt(LifecycleFixture.AUTH_KEY);
    String noExpiry =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(),
                "admin",
                SubjectType.INTERNAL,
                Optional.of(List.of("full_access"))));
    assertError(lifecycle.get("/api/v1/users", noExpiry), 401, "internal token has no expiry");
    String expired =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(),
                "admin",
                SubjectType.INTERNAL,
                Optional.of(List.of("full_access")),
                Optional.of(Instant.now().minusSeconds(60))));
    assertError(lifecycle.get("/api/v1/users", expired), 401, "has expired");
    String unlisted =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(),
                "admin",
                SubjectType.INTERNAL,
                Optional.of(List.of("full_access")),
                Optional.of(Instant.now().plusSeconds(3600))));
    assertError(lifecycle.get("/api/v1/users", unlisted), 401, "token is unknown");
  }

  private record Login(String apiToken, String sessionToken, String setCookie) {}

  private static Login login(LifecycleFixture on, String user, String password, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(on.url("/api/v1/users/login")))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.write(Map.of("username", user, "password", password))));
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> response = on.send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    String session = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    return new Login(json(response.body()).path("token").asText(), session, cookie);
  }

  private String activeUser(String name, String password) {
    lifecycle.post("/api/v1/users/register", Map.of("username", name, "password", password), null);
    lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/users/" + name)))
            .header("X-Racetrack-Auth", admin)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": true}")));
    return name;
  }

  private HttpResponse<String> withCookie(String path, String session) {
    return lifecycle.send(
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("Cookie", "racetrack_session=" + session)
            .GET());
  }

  @Test
  void logout_revokesOnlyThatSession_apiTokenAndOtherSessionsStay() {
    String user = activeUser("erin@example.com", "erin good phrase");
    Login first = login(lifecycle, user, "erin good phrase");
    Login second = login(lifecycle, user, "erin good phrase");
    assertThat(first.sessionToken())
        .isNotEqualTo(first.apiToken())
        .isNotEqualTo(second.sessionToken());
    assertThat(second.apiToken()).isEqualTo(first.apiToken());
    assertThat(withCookie("/api/v1/users/validate_user_auth", first.sessionToken()).statusCode())
        .isEqualTo(200);

    HttpResponse<String> logout = withCookie("/api/v1/users/logout", first.sessionToken());
    assertThat(logout.statusCode()).isEqualTo(200);

    assertError(
        lifecycle.get("/api/v1/users/validate_user_auth", first.sessionToken()),
        401,
        "token is unknown");
    assertThat(
            lifecycle.get("/api/v1/users/validate_user_auth", second.sessionToken()).statusCode())
        .isEqualTo(200);
    assertThat(lifecycle.get("/api/v1/users/validate_user_auth", first.apiToken()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void passwordChange_revokesSessionsAndApiToken() {
    String user = activeUser("frank@example.com", "frank good phrase");
    Login login = login(lifecycle, user, "frank good phrase");
    HttpResponse<String> changed =
        lifecycle.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/users/change_password")))
                .header("X-Racetrack-Auth", login.apiToken())
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        Json.write(
                            Map.of(
                                "old_password",
                                "frank good phrase",
                                "new_password",
                                "frank other phrase")))));
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);

    assertError(lifecycle.get("/api/v1/job", login.sessionToken()), 401, "token is unknown");
    assertError(lifecycle.get("/api/v1/job", login.apiToken()), 401, "token is unknown");
    Login again = login(lifecycle, user, "frank other phrase");
    assertThat(again.apiToken()).isNotEqualTo(login.apiToken());
    assertThat(lifecycle.get("/api/v1/job", again.apiToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void sessionCookie_isHttpOnlyStrict_notThePubCookie_andNotSecureOverHttp() {
    Login login = login(lifecycle, "admin", LifecycleFixture.ADMIN_PASSWORD);
    assertThat(login.setCookie())
        .startsWith("racetrack_session=")
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContainIgnoringCase("Secure");
    // a forwarded https claim from a peer that is no trusted proxy changes nothing
    Login spoofed =
        login(lifecycle, "admin", LifecycleFixture.ADMIN_PASSWORD, "X-Forwarded-Proto", "https");
    assertThat(spoofed.setCookie()).doesNotContainIgnoringCase("Secure");
  }

  @Test
  void sessionCookie_isSecure_behindTrustedHttpsProxy() {
    Login login =
        login(proxied, "admin", LifecycleFixture.ADMIN_PASSWORD, "X-Forwarded-Proto", "https");
    assertThat(login.setCookie()).containsIgnoringCase("; Secure").containsIgnoringCase("HttpOnly");
  }

  @Test
  void sessionCookie_isNotACredentialForChanges() {
    Login login = login(lifecycle, "admin", LifecycleFixture.ADMIN_PASSWORD);
    HttpResponse<String> post =
        lifecycle.send(
            HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/escs")))
                .header("Cookie", "racetrack_session=" + login.sessionToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"csrf\"}")));
    assertThat(post.statusCode()).isEqualTo(401);
  }

  @Test
  void shortAuthKey_isRefusedAtStartUp_namingTheVariable() {
    assertThatThrownBy(
            () -> LifecycleConfig.fromEnv(Map.of(), "only-sixteen-byt", "internal-token"))
        .hasMessageContaining("AUTH_KEY")
        .hasMessageContaining("32 bytes");
  }
}
