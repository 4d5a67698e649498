package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthCommandsTest {
  private static final String VALIDATE = "/api/v1/users/validate_user_auth";
  private static final String LOGIN = "/api/v1/users/login";

  @TempDir Path dir;
  private FakeLifecycleFixture lifecycle;
  private CliFixture cli;

  @BeforeEach
  void start() {
    lifecycle = new FakeLifecycleFixture();
    cli = new CliFixture(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
    lifecycle.close();
  }

  @Test
  void login_withValidToken_validatesItAndStoresItForResolvedRemote() throws IOException {
    lifecycle.onApi("GET", VALIDATE, Response.json(Map.of("username", "alice", "is_staff", false)));

    // no path in the remote: the client adds /lifecycle
    CliFixture.Result result = cli.run("login", "tok-123", "--remote", lifecycle.base());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("logged in to " + lifecycle.url() + " as alice\n");
    FakeLifecycleFixture.Recorded validation = lifecycle.onlyApiRequest("GET", VALIDATE);
    assertThat(validation.header("X-Racetrack-Auth")).isEqualTo("tok-123");
    assertThat(cli.config()).containsEntry("user_auths", Map.of(lifecycle.url(), "tok-123"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.configFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void login_withTokenAndNoRemote_storesTokenForCurrentRemote() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "/\n");
    lifecycle.onApi("GET", VALIDATE, Response.json(Map.of("username", "alice")));

    CliFixture.Result result = cli.run("login", "tok-123");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(cli.config()).containsEntry("user_auths", Map.of(lifecycle.url(), "tok-123"));
    assertThat(cli.config()).containsEntry("lifecycle_url", lifecycle.url() + "/");
  }

  @Test
  void login_withTokenTheServerRejects_failsWithServerMessageAndStoresNothing() {
    lifecycle.onApi("GET", VALIDATE, Response.error(401, "invalid auth token"));

    CliFixture.Result result = cli.run("login", "bogus", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: invalid auth token\n");
    assertThat(result.out()).isEmpty();
    assertThat(cli.config()).doesNotContainKey("user_auths");
  }

  @Test
  void login_withUsername_postsPasswordFromStdinAndStoresReturnedToken() {
    lifecycle.onApi(
        "POST",
        LOGIN,
        Response.json(Map.of("username", "admin", "token", "tok-from-login", "is_staff", true)));

    CliFixture.Result result =
        cli.runWithStdin(
            "s3cret pass\n", "login", "--username", "admin", "--remote", lifecycle.url());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("logged in to " + lifecycle.url() + " as admin\n");
    FakeLifecycleFixture.Recorded login = lifecycle.onlyApiRequest("POST", LOGIN);
    assertThat(login.json().path("username").asText()).isEqualTo("admin");
    assertThat(login.json().path("password").asText()).isEqualTo("s3cret pass");
    assertThat(login.header("X-Racetrack-Auth")).isNull();
    assertThat(cli.config()).containsEntry("user_auths", Map.of(lifecycle.url(), "tok-from-login"));
  }

  @Test
  void login_withWrongPassword_exitsWithServerMessageAndStoresNothing() {
    lifecycle.onApi("POST", LOGIN, Response.error(401, "invalid username or password"));

    CliFixture.Result result =
        cli.runWithStdin("wrong\n", "login", "-u", "admin", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: invalid username or password\n");
    assertThat(cli.config()).doesNotContainKey("user_auths");
  }

  @Test
  void login_withUsernameAndEmptyStdin_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("login", "--username", "admin", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no password on standard input\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void login_withoutTokenOrUsername_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("login", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: give a TOKEN or --username\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void login_whenLifecycleIsDown_reportsItCannotConnect() {
    String url = lifecycle.url();
    lifecycle.close();

    CliFixture.Result result = cli.run("login", "tok", "--remote", url);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: cannot connect to " + url);
  }

  @Test
  void logout_withStoredTokens_removesOnlyThatRemotesToken() {
    cli.writeConfig(
        """
        lifecycle_url: https://a.example.com/lifecycle
        user_auths:
          https://a.example.com/lifecycle: tok-a
          https://b.example.com/lifecycle: tok-b
        """);

    CliFixture.Result result = cli.run("logout", "--remote", "b.example.com");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("logged out of https://b.example.com/lifecycle\n");
    assertThat(cli.config())
        .containsEntry("user_auths", Map.of("https://a.example.com/lifecycle", "tok-a"));
    assertThat(cli.run("get", "auth-token").out()).isEqualTo("tok-a\n");
  }

  @Test
  void logout_withoutStoredToken_saysSoAndSucceeds() {
    CliFixture.Result result = cli.run("logout", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("no token was stored for " + lifecycle.url() + "\n");
  }
}
