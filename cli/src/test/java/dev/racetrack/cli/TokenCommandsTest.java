package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenCommandsTest {
  private static final String OWN = "/api/v1/auth/token/user/regenerate";
  private static final String OTHER_REMOTE = "https://other.example.com/lifecycle";

  @TempDir Path dir;
  private FakeLifecycleFixture lifecycle;
  private CliFixture cli;

  @BeforeEach
  void start() {
    lifecycle = new FakeLifecycleFixture();
    cli = new CliFixture(dir);
    cli.writeConfig(
        "lifecycle_url: "
            + lifecycle.url()
            + "\nuser_auths:\n  "
            + lifecycle.url()
            + ": tok-old\n  "
            + OTHER_REMOTE
            + ": tok-other\n");
  }

  @AfterEach
  void stop() {
    cli.close();
    lifecycle.close();
  }

  @Test
  void tokenRegenerate_asUser_storesNewTokenForThatRemoteOnlyAndDoesNotPrintIt() {
    lifecycle.onApi("POST", OWN, Response.json(Map.of("new_token", "tok-new")));

    CliFixture.Result result = cli.run("token", "regenerate");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "regenerated your tokens; the new one is stored for "
                + lifecycle.url()
                + " (racetrack get auth-token prints it)\n");
    assertThat(result.out() + result.err()).doesNotContain("tok-new");
    assertThat(lifecycle.onlyApiRequest("POST", OWN).header("X-Racetrack-Auth"))
        .isEqualTo("tok-old");
    assertThat(cli.config())
        .containsEntry("user_auths", Map.of(lifecycle.url(), "tok-new", OTHER_REMOTE, "tok-other"));
    assertThat(cli.run("get", "auth-token").out()).isEqualTo("tok-new\n");
  }

  @Test
  void tokenRegenerate_withRemoteAlias_storesTokenUnderResolvedUrl() {
    cli.writeConfig(
        "lifecycle_url: "
            + OTHER_REMOTE
            + "\nlifecycle_url_aliases:\n  dev: "
            + lifecycle.url()
            + "\nuser_auths:\n  "
            + lifecycle.url()
            + ": tok-old\n");
    lifecycle.onApi("POST", OWN, Response.json(Map.of("new_token", "tok-new")));

    CliFixture.Result result = cli.run("token", "regenerate", "--remote", "dev");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(cli.config()).containsEntry("user_auths", Map.of(lifecycle.url(), "tok-new"));
  }

  @Test
  void tokenRegenerate_withInternalToken_printsCountAndKeepsStoredToken() {
    lifecycle.onApi("POST", OWN, Response.json(Map.of("regenerated", 4, "subject_type", "user")));

    CliFixture.Result result = cli.run("token", "regenerate");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("regenerated 4 user tokens\n");
    assertThat(cli.config())
        .containsEntry("user_auths", Map.of(lifecycle.url(), "tok-old", OTHER_REMOTE, "tok-other"));
  }

  @Test
  void tokenRegenerate_whenTokenRejected_printsServerErrorAndKeepsConfig() {
    lifecycle.onApi("POST", OWN, Response.error(401, "invalid auth token"));

    CliFixture.Result result = cli.run("token", "regenerate");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: invalid auth token\n");
    assertThat(result.out()).isEmpty();
    assertThat(cli.config())
        .containsEntry("user_auths", Map.of(lifecycle.url(), "tok-old", OTHER_REMOTE, "tok-other"));
  }

  @ParameterizedTest(name = "--all {0}")
  @CsvSource({
    "families, /api/v1/auth/token/job_family/regenerate, job_family, regenerated 3 job family tokens",
    "escs, /api/v1/auth/token/esc/regenerate, esc, regenerated 3 ESC tokens"
  })
  void tokenRegenerateAll_ofFamiliesOrEscs_postsToTheirEndpointAndPrintsCount(
      String kind, String path, String subjectType, String expected) {
    lifecycle.onApi(
        "POST", path, Response.json(Map.of("regenerated", 3, "subject_type", subjectType)));

    CliFixture.Result result = cli.run("token", "regenerate", "--all", kind);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo(expected + "\n");
    assertThat(result.err()).isEmpty();
    assertThat(lifecycle.onlyApiRequest("POST", path).header("X-Racetrack-Auth"))
        .isEqualTo("tok-old");
    assertThat(lifecycle.apiRequests("POST", OWN)).isEmpty();
  }

  @Test
  void tokenRegenerateAll_ofUsers_printsCountAndWarnsTheStoredTokenMayBeStale() {
    String path = "/api/v1/auth/token/user/all/regenerate";
    lifecycle.onApi("POST", path, Response.json(Map.of("regenerated", 5, "subject_type", "user")));

    CliFixture.Result result = cli.run("token", "regenerate", "--all", "users");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("regenerated 5 user tokens\n");
    assertThat(result.err())
        .startsWith("note: if you are logged in to " + lifecycle.url() + " as a user")
        .contains("racetrack login --username");
    assertThat(lifecycle.apiRequests("POST", path)).hasSize(1);
  }

  @Test
  void tokenRegenerateAll_withUnknownKind_failsWithoutCallingServer() {
    CliFixture.Result result = cli.run("token", "regenerate", "--all", "jobs");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: --all must be users, families or escs, got 'jobs'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void tokenRegenerateAll_withoutAdminScope_printsServerError() {
    lifecycle.onApi(
        "POST",
        "/api/v1/auth/token/esc/regenerate",
        Response.error(401, "no permission: call_admin_api"));

    CliFixture.Result result = cli.run("token", "regenerate", "--all", "escs");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no permission: call_admin_api\n");
  }
}
