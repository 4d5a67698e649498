package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.deployment;
import static dev.racetrack.cli.FakeLifecycleFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedeployCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-alice";
  private static final String JOB = "/api/v1/job/adder/1.0.0";
  private static final String STATUS = "/api/v1/deploy/dep-7";
  private static final Pattern TIMED_LINE = Pattern.compile("^\\[\\s*\\d+\\.\\ds] (.*)$");

  RedeployCommandsTest() {
    super(TOKEN);
  }

  private String pubUrl() {
    return lifecycle.base() + "/pub/job/adder/1.0.0";
  }

  private void accept(String action, Response... statuses) {
    lifecycle.onApi("POST", JOB + "/" + action, Response.json(Map.of("id", "dep-7")));
    lifecycle.onApi("GET", STATUS, statuses);
  }

  private Response inProgress(String phase, String warnings) {
    return Response.json(deployment("dep-7", "in_progress", phase, null, warnings, null));
  }

  private Response done() {
    return Response.json(
        deployment(
            "dep-7", "done", "starting", null, null, job("adder", "1.0.0", "running", pubUrl())));
  }

  private Response failed(String error) {
    return Response.json(deployment("dep-7", "failed", "building image", error, null, null));
  }

  // --- redeploy ---

  @Test
  void redeploy_whenDeploymentEndsDone_postsWithTokenPrintsPhasesAndUrl() {
    accept(
        "redeploy",
        inProgress(null, null),
        inProgress("building image", null),
        inProgress("building image", "base image is old"),
        inProgress("starting", "base image is old"),
        done());

    CliFixture.Result result = cli.run("redeploy", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Recorded post = lifecycle.onlyApiRequest("POST", JOB + "/redeploy");
    assertThat(post.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(post.json()).isEqualTo(Json.mapper().createObjectNode());
    List<String> lines = result.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("redeploying adder v1.0.0 on " + lifecycle.url());
    assertThat(timedLines(lines)).containsExactly("building image", "starting", "done");
    assertThat(lines).containsOnlyOnce("warning: base image is old");
    assertThat(lines.getLast()).isEqualTo("job adder v1.0.0 is running: " + pubUrl() + "/");
    assertThat(lifecycle.apiRequests("GET", STATUS))
        .hasSize(5)
        .allSatisfy(get -> assertThat(get.header("X-Racetrack-Auth")).isEqualTo(TOKEN));
    assertThat(result.err()).isEmpty();
  }

  @Test
  void redeploy_whenDeploymentFails_exitsNonZeroWithItsError() {
    accept(
        "redeploy",
        inProgress("building image", null),
        failed("image build failed: pip install exited with 1"));

    CliFixture.Result result = cli.run("redeploy", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: deployment dep-7 failed: image build failed: pip install exited with 1\n");
    assertThat(timedLines(result.out().lines().toList()))
        .containsExactly("building image", "failed");
    assertThat(result.out()).doesNotContain("is running");
  }

  @Test
  void redeploy_whenServerRefuses_printsItsMessageAndDoesNotPoll() {
    lifecycle.onApi(
        "POST",
        JOB + "/redeploy",
        Response.error(503, "Racetrack is currently in maintenance mode. Please try again later."));

    CliFixture.Result result = cli.run("redeploy", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: Racetrack is currently in maintenance mode. Please try again later.\n");
    assertThat(lifecycle.apiRequests("GET", STATUS)).isEmpty();
  }

  @Test
  void redeploy_withRemoteOption_talksToThatRemote() {
    cli.writeConfig(
        "lifecycle_url: https://elsewhere.example.com/lifecycle\nuser_auths:\n  "
            + lifecycle.url()
            + ": "
            + TOKEN
            + "\n");
    accept("redeploy", done());

    CliFixture.Result result =
        cli.run("redeploy", "adder", "--version", "1.0.0", "--remote", lifecycle.url());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.onlyApiRequest("POST", JOB + "/redeploy").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void redeploy_withReservedCharactersInNameAndVersion_encodesThem() {
    lifecycle.onApi("POST", "/api/v1/job/a%20b/1.0.0%2Bx/redeploy", Response.error(404, "no"));

    CliFixture.Result result = cli.run("redeploy", "a b", "--version", "1.0.0+x");

    assertThat(result.err()).isEqualTo("error: no\n");
    assertThat(lifecycle.apiRequests("POST", "/api/v1/job/a%20b/1.0.0%2Bx/redeploy")).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"redeploy", "reprovision", "move"})
  void command_withoutVersion_failsWithUsageAndSendsNothing(String command) {
    CliFixture.Result result =
        command.equals("move")
            ? cli.run(command, "adder", "--infrastructure-target", "local")
            : cli.run(command, "adder");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Missing required option: '--version", "Usage: racetrack " + command);
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void redeploy_withoutToken_failsTellingToLogInAndSendsNothing() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("redeploy", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("missing auth token for " + lifecycle.url(), "racetrack login");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- reprovision ---

  @Test
  void reprovision_whenDeploymentEndsDone_postsToReprovisionAndPrintsUrl() {
    accept("reprovision", inProgress("starting", null), done());

    CliFixture.Result result = cli.run("reprovision", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lifecycle.onlyApiRequest("POST", JOB + "/reprovision").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
    assertThat(lifecycle.apiRequests("POST", JOB + "/redeploy")).isEmpty();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("reprovisioning adder v1.0.0 on " + lifecycle.url());
    assertThat(timedLines(lines)).containsExactly("starting", "done");
    assertThat(lines.getLast()).isEqualTo("job adder v1.0.0 is running: " + pubUrl() + "/");
  }

  @Test
  void reprovision_whenDeploymentFails_exitsNonZeroWithItsError() {
    accept("reprovision", failed("job did not become ready within 60 s"));

    CliFixture.Result result = cli.run("reprovision", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: deployment dep-7 failed: job did not become ready within 60 s\n");
  }

  // --- move ---

  @Test
  void move_withTarget_postsItAndFollowsTheDeployment() {
    accept("move", inProgress("starting", null), done());

    CliFixture.Result result =
        cli.run("move", "adder", "--version", "1.0.0", "--infrastructure-target", "remote-k8s");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Recorded post = lifecycle.onlyApiRequest("POST", JOB + "/move");
    assertThat(post.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(post.json())
        .isEqualTo(Json.mapper().valueToTree(Map.of("infrastructure_target", "remote-k8s")));
    List<String> lines = result.out().lines().toList();
    assertThat(lines.getFirst())
        .isEqualTo("moving adder v1.0.0 to remote-k8s on " + lifecycle.url());
    assertThat(timedLines(lines)).containsExactly("starting", "done");
    assertThat(lines.getLast()).isEqualTo("job adder v1.0.0 is running: " + pubUrl() + "/");
  }

  @Test
  void move_whenDeploymentFails_exitsNonZeroWithItsError() {
    accept("move", failed("target remote-k8s is unreachable"));

    CliFixture.Result result =
        cli.run("move", "adder", "--version", "1.0.0", "--infrastructure-target", "remote-k8s");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: deployment dep-7 failed: target remote-k8s is unreachable\n");
  }

  @Test
  void move_withoutInfrastructureTarget_isRejectedByPicocliAndSendsNothing() {
    CliFixture.Result result = cli.run("move", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "Missing required option: '--infrastructure-target=TARGET'", "Usage: racetrack move");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void move_withBlankInfrastructureTarget_failsNamingTheOptionAndSendsNothing() {
    CliFixture.Result result =
        cli.run("move", "adder", "--version", "1.0.0", "--infrastructure-target", " ");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --infrastructure-target must not be empty\n");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void move_whenServerRejectsTarget_printsItsMessage() {
    lifecycle.onApi(
        "POST", JOB + "/move", Response.error(400, "job adder v1.0.0 already runs on local"));

    CliFixture.Result result =
        cli.run("move", "adder", "--version", "1.0.0", "--infrastructure-target", "local");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job adder v1.0.0 already runs on local\n");
    assertThat(lifecycle.apiRequests("GET", STATUS)).isEmpty();
  }

  private static List<String> timedLines(List<String> lines) {
    List<String> timed = new ArrayList<>();
    for (String line : lines) {
      Matcher m = TIMED_LINE.matcher(line);
      if (m.matches()) {
        timed.add(m.group(1));
      }
    }
    return timed;
  }
}
