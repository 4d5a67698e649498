package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentsCommandTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-alice";
  private static final String DEPLOY = "/api/v1/deploy";

  DeploymentsCommandTest() {
    super(TOKEN);
  }

  /** A deployment as the list shows it, {@code seconds} after its creation. */
  private static Map<String, Object> entry(
      String id,
      String name,
      String status,
      @Nullable String phase,
      @Nullable String error,
      long seconds,
      @Nullable String by) {
    Map<String, Object> d = deployment(id, status, phase, error, null, null);
    d.put("job_name", name);
    d.put("update_time", 1_700_000_000L + seconds);
    d.put("duration", seconds);
    d.put("deployed_by", by);
    return d;
  }

  @Test
  void deployments_asTable_printsOneAlignedRowPerDeploymentNewestFirst() {
    String longError =
        "image build failed: pip install exited with 1 because the index https://pypi.example.com"
            + " was down\nTraceback (most recent call last):\n  ...";
    lifecycle.onApi(
        "GET",
        DEPLOY,
        Response.json(
            List.of(
                entry("dep-3", "adder", "in_progress", "building image", null, 4, "alice"),
                entry("dep-2", "long-job-name", "failed", "building image", longError, 125, "bob"),
                entry("dep-1", "adder", "done", null, null, 42, null))));

    CliFixture.Result result = cli.run("deployments");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("ID", "JOB", "VERSION", "STATUS", "PHASE", "DURATION", "BY", "ERROR");
    assertThat(lines.get(1))
        .matches("dep-3 +adder +1\\.0\\.0 +in_progress +building image +- +alice");
    assertThat(lines.get(2))
        .matches(
            "dep-2 +long-job-name +1\\.0\\.0 +failed +building image +2m05s +bob +"
                + "image build failed: pip install exited with 1 because the\\.\\.\\.");
    assertThat(lines.get(3)).matches("dep-1 +adder +1\\.0\\.0 +done +- +42s +- *");
    for (String column : List.of("JOB", "VERSION", "STATUS", "PHASE", "DURATION", "BY", "ERROR")) {
      int at = lines.get(0).indexOf(column);
      assertThat(lines.get(2).charAt(at - 1)).as(column).isEqualTo(' ');
      assertThat(lines.get(2).charAt(at)).as(column).isNotEqualTo(' ');
    }
    var request = lifecycle.onlyApiRequest("GET", DEPLOY);
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(request.query()).isNull();
  }

  @Test
  void deployments_withNone_printsHeaderOnly() {
    lifecycle.onApi("GET", DEPLOY, Response.json("[]"));

    CliFixture.Result result = cli.run("deployments");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("ID  JOB  VERSION  STATUS  PHASE  DURATION  BY  ERROR\n");
  }

  @Test
  void deployments_withLimit_asksTheServerForThatMany() {
    lifecycle.onApi("GET", DEPLOY, Response.json("[]"));

    CliFixture.Result result = cli.run("deployments", "--limit", "5");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.onlyApiRequest("GET", DEPLOY).query()).isEqualTo("limit=5");
  }

  @ParameterizedTest(name = "--limit {0}")
  @CsvSource({"0", "-3", "1001"})
  void deployments_withLimitOutOfRange_failsNamingItAndSendsNothing(String limit) {
    CliFixture.Result result = cli.run("deployments", "--limit", limit);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: --limit must be between 1 and 1000, got " + limit + "\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deployments_withNonNumericLimit_isRejectedByPicocli() {
    CliFixture.Result result = cli.run("deployments", "--limit", "many");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--limit", "many");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deployments_asJson_printsTheServersJson() throws IOException {
    lifecycle.onApi(
        "GET",
        DEPLOY,
        Response.json(
            List.of(entry("dep-1", "adder", "failed", "deploying", "boom\nmore", 7, "x"))));

    CliFixture.Result result = cli.run("deployments", "-o", "json", "--limit", "1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode printed = Json.mapper().readTree(result.out());
    assertThat(printed).hasSize(1);
    assertThat(printed.get(0).path("id").asText()).isEqualTo("dep-1");
    assertThat(printed.get(0).path("error").asText()).isEqualTo("boom\nmore");
    assertThat(printed.get(0).path("duration").asLong()).isEqualTo(7);
    assertThat(printed.get(0).path("job_version").asText()).isEqualTo("1.0.0");
  }

  @Test
  void deployments_withUnknownOutput_failsBeforeAsking() {
    CliFixture.Result result = cli.run("deployments", "-o", "yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --output must be table or json, got 'yaml'\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void deployments_whenServerFails_printsItsMessage() {
    lifecycle.onApi("GET", DEPLOY, Response.error(401, "auth token expired"));

    CliFixture.Result result = cli.run("deployments");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: auth token expired\n");
  }

  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource({"0, 0s", "59, 59s", "60, 1m00s", "3599, 59m59s", "3600, 1h00m", "7620, 2h07m"})
  void duration_isShortAndReadable(long seconds, String shown) {
    assertThat(DeploymentsCommand.duration(seconds)).isEqualTo(shown);
  }

  @Test
  void firstLine_ofError_isItsFirstLineCutToWidth() {
    assertThat(DeploymentsCommand.firstLine(null)).isEmpty();
    assertThat(DeploymentsCommand.firstLine("\n  short  \nsecond")).isEqualTo("short");
    String cut = DeploymentsCommand.firstLine("x".repeat(100));
    assertThat(cut).hasSize(DeploymentsCommand.ERROR_WIDTH).endsWith("...");
    assertThat(DeploymentsCommand.firstLine("y".repeat(DeploymentsCommand.ERROR_WIDTH)))
        .isEqualTo("y".repeat(DeploymentsCommand.ERROR_WIDTH));
  }
}
