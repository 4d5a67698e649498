package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountCommandsTest {
  private static final String REGISTER = "/api/v1/users/register";
  private static final String CHANGE = "/api/v1/users/change_password";
  private static final String OLD = "old-Secret-1";
  private static final String NEW = "new-Secret-2";

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

  private static void assertNoPasswordIn(CliFixture.Result result, String... passwords) {
    for (String password : passwords) {
      assertThat(result.out()).doesNotContain(password);
      assertThat(result.err()).doesNotContain(password);
    }
  }

  // --- register ---

  @Test
  void register_withPasswordOnStdin_postsItWithoutTokenAndPrintsServerMessage() {
    lifecycle.onApi(
        "POST",
        REGISTER,
        Response.json(
            Map.of("username", "bob@example.com", "message", "Now wait till an admin activates")));

    CliFixture.Result result =
        cli.runWithStdin(NEW + "\n", "register", "bob@example.com", "--remote", lifecycle.url());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "registered bob@example.com at "
                + lifecycle.url()
                + "\nNow wait till an admin activates\n");
    Recorded request = lifecycle.onlyApiRequest("POST", REGISTER);
    assertThat(request.json().path("username").asText()).isEqualTo("bob@example.com");
    assertThat(request.json().path("password").asText()).isEqualTo(NEW);
    assertThat(request.header("X-Racetrack-Auth")).isNull();
    assertNoPasswordIn(result, NEW);
    assertThat(cli.config()).doesNotContainKey("user_auths");
  }

  @Test
  void register_whenServerRejectsPassword_printsItsMessageAndNotThePassword() {
    lifecycle.onApi(
        "POST",
        REGISTER,
        Response.error(400, "password is not accepted: it must contain at least 8 characters"));

    CliFixture.Result result =
        cli.runWithStdin("short\n", "register", "bob@example.com", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: password is not accepted: it must contain at least 8 characters\n");
    assertThat(result.out()).isEmpty();
    assertNoPasswordIn(result, "short");
  }

  @Test
  void register_withExistingUsername_printsServerError() {
    lifecycle.onApi("POST", REGISTER, Response.error(409, "Username already exists"));

    CliFixture.Result result =
        cli.runWithStdin(NEW + "\n", "register", "bob@example.com", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: Username already exists\n");
  }

  @Test
  void register_withEmptyStdin_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("register", "bob@example.com", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no password on standard input\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void register_withoutEmail_isUsageError() {
    CliFixture.Result result = cli.run("register", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required parameter: 'EMAIL'");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- password change ---

  @Test
  void passwordChange_withTwoLinesOnStdin_putsOldAndNewWithToken() {
    cli.loggedIn(lifecycle.url(), "tok-bob");
    lifecycle.onApi("PUT", CHANGE, Response.json(Map.of("changed", true)));

    CliFixture.Result result = cli.runWithStdin(OLD + "\n" + NEW + "\n", "password", "change");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("password changed at " + lifecycle.url() + "\n");
    Recorded request = lifecycle.onlyApiRequest("PUT", CHANGE);
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo("tok-bob");
    assertThat(request.json().path("old_password").asText()).isEqualTo(OLD);
    assertThat(request.json().path("new_password").asText()).isEqualTo(NEW);
    assertNoPasswordIn(result, OLD, NEW);
  }

  @Test
  void passwordChange_withWrongCurrentPassword_printsServerErrorAndNoPassword() {
    cli.loggedIn(lifecycle.url(), "tok-bob");
    lifecycle.onApi("PUT", CHANGE, Response.error(401, "Passed password is incorrect."));

    CliFixture.Result result =
        cli.runWithStdin(OLD + "\n" + NEW + "\n", "password", "change", "--verbose");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: Passed password is incorrect.\n");
    assertThat(result.out()).isEmpty();
    assertNoPasswordIn(result, OLD, NEW);
  }

  @Test
  void passwordChange_withOnlyCurrentPasswordOnStdin_failsWithoutCallingServer() {
    cli.loggedIn(lifecycle.url(), "tok-bob");

    CliFixture.Result result = cli.runWithStdin(OLD + "\n", "password", "change");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no new password on standard input\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void passwordChange_withSamePasswordTwice_failsWithoutCallingServer() {
    cli.loggedIn(lifecycle.url(), "tok-bob");

    CliFixture.Result result = cli.runWithStdin(OLD + "\n" + OLD + "\n", "password", "change");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: the new password is the same as the current one\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void passwordChange_withoutStoredToken_failsBeforeReadingPasswords() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.runWithStdin(OLD + "\n" + NEW + "\n", "password", "change");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: missing auth token for " + lifecycle.url());
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void password_withoutSubcommand_isUsageError() {
    CliFixture.Result result = cli.run("password");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required subcommand", "change");
  }
}
