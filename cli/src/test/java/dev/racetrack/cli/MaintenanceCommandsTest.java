package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaintenanceCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-admin";
  private static final String MAINTENANCE = "/api/v1/maintenance";

  MaintenanceCommandsTest() {
    super(TOKEN);
  }

  @ParameterizedTest(name = "enabled={0}")
  @CsvSource({"true, on", "false, off"})
  void status_getsTheModeWithTokenAndPrintsIt(boolean enabled, String shown) {
    lifecycle.onApi("GET", MAINTENANCE, Response.json(Map.of("enabled", enabled)));

    CliFixture.Result result = cli.run("maintenance", "status");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("maintenance mode: " + shown + "\n");
    assertThat(lifecycle.onlyApiRequest("GET", MAINTENANCE).header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
    assertThat(lifecycle.apiRequests("PUT", MAINTENANCE)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"on, true", "off, false"})
  void onOff_putsTheSwitchAndPrintsTheModeTheServerReports(String command, boolean enabled) {
    lifecycle.onApi("PUT", MAINTENANCE, Response.json(Map.of("enabled", enabled)));

    CliFixture.Result result = cli.run("maintenance", command);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("maintenance mode: " + command + "\n");
    Recorded put = lifecycle.onlyApiRequest("PUT", MAINTENANCE);
    assertThat(put.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(put.json()).isEqualTo(Json.mapper().valueToTree(Map.of("enabled", enabled)));
  }

  @Test
  void on_whenNotAdmin_printsTheServerMessageAndExitsNonZero() {
    lifecycle.onApi(
        "PUT", MAINTENANCE, Response.error(403, "only admins may switch maintenance mode"));

    CliFixture.Result result = cli.run("maintenance", "on");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: only admins may switch maintenance mode\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void status_withUnexpectedAnswer_failsInsteadOfGuessing() {
    lifecycle.onApi("GET", MAINTENANCE, Response.json(Map.of("enabled", "yes")));

    CliFixture.Result result = cli.run("maintenance", "status");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: unexpected answer from /api/v1/maintenance: {\"enabled\":\"yes\"}\n");
  }

  @Test
  void status_withRemoteOption_asksThatRemote() {
    cli.writeConfig(
        "lifecycle_url: https://elsewhere.example.com/lifecycle\nuser_auths:\n  "
            + lifecycle.url()
            + ": "
            + TOKEN
            + "\n");
    lifecycle.onApi("GET", MAINTENANCE, Response.json(Map.of("enabled", false)));

    CliFixture.Result result = cli.run("maintenance", "status", "--remote", lifecycle.url());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("maintenance mode: off\n");
  }

  @Test
  void maintenance_withoutSubcommand_failsWithUsageAndSendsNothing() {
    CliFixture.Result result = cli.run("maintenance");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required subcommand", "status", "on", "off");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void maintenance_withUnknownSubcommand_failsWithUsage() {
    CliFixture.Result result = cli.run("maintenance", "toggle");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("toggle");
    assertThat(lifecycle.requests()).isEmpty();
  }
}
