package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue #8: {@code racetrack call --async} against a fake PUB answering the async endpoints. */
class AsyncCallCommandTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-alice";
  private static final String PERFORM = "/api/v1/perform";
  private static final String TASK = "4b6f0f5e-7a4e-4d55-9a57-5b1f3c1c9a10";
  private static final String POLL = "/pub/async/task/" + TASK + "/poll";
  private static final String STATUS = "/pub/async/task/" + TASK + "/status";

  AsyncCallCommandTest() {
    super(TOKEN);
  }

  private void jobAt(String version) {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/latest",
        Response.json(
            job("adder", version, "running", lifecycle.base() + "/pub/job/adder/" + version)));
  }

  private void started() {
    lifecycle.on(
        "POST",
        "/pub/async/new/job/adder/1.0.0" + PERFORM,
        Response.json(201, Map.of("task_id", TASK, "status", "ongoing")));
  }

  @Test
  void callAsync_startsTheTask_repollsOn408And202_andPrintsTheResult() {
    jobAt("1.0.0");
    started();
    lifecycle.on(
        "GET",
        POLL,
        Response.text(408, "Time-out"),
        Response.json(202, Map.of("task_id", TASK, "status", "ongoing")),
        Response.json(Map.of("sum", 3)));
    lifecycle.on("GET", STATUS, Response.json(Map.of("task_id", TASK, "status", "ongoing")));

    long begin = System.nanoTime();
    CliFixture.Result result =
        cli.run("call", "adder", PERFORM, "{\"numbers\": [1, 2]}", "--async");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("{\n  \"sum\" : 3\n}\n");
    Recorded start =
        lifecycle.requests("POST", "/pub/async/new/job/adder/1.0.0" + PERFORM).getFirst();
    assertThat(start.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(start.json().path("numbers").toString()).isEqualTo("[1,2]");
    List<Recorded> polls = lifecycle.requests("GET", POLL);
    assertThat(polls).hasSize(3);
    assertThat(polls).allSatisfy(p -> assertThat(p.header("X-Racetrack-Auth")).isEqualTo(TOKEN));
    List<String> progress = result.err().lines().toList();
    assertThat(progress).hasSize(2);
    assertThat(progress)
        .allSatisfy(
            line -> assertThat(line).matches("async task " + TASK + ": ongoing, \\d+s elapsed"));
    assertThat(lifecycle.requests("POST", "/pub/job/adder/1.0.0" + PERFORM)).isEmpty();
    assertThat(lifecycle.requests("GET", STATUS)).as("asked after each 'again'").hasSize(2);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - begin))
        .as("quick 'again' answers are not repeated sooner than a second")
        .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(2));
  }

  @Test
  @Timeout(30) // before the fix it polled forever
  void callAsync_whenTheJobItselfAnswered504_reportsItInsteadOfPollingForever() {
    jobAt("1.0.0");
    started();
    // the job's own answer past its call_timeout, replayed by every poll
    lifecycle.on(
        "GET",
        POLL,
        Response.json(
            504,
            Map.of(
                "error",
                "the job did not answer within its call_timeout of 3 s",
                "type",
                "call_timeout")));
    lifecycle.on("GET", STATUS, Response.json(Map.of("task_id", TASK, "status", "completed")));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}", "--async");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: job adder answered HTTP 504: ")
        .contains("call_timeout of 3 s");
    assertThat(lifecycle.requests("GET", POLL)).hasSize(2);
    assertThat(lifecycle.requests("GET", STATUS)).hasSize(1);
  }

  @Test
  void callAsync_whenTheJobHasItsOwnHost_usesPubsOwnHostForTheTask() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/latest",
        Response.json(
            job("adder", "1.0.0", "running", "http://adder.jobs.invalid:1/pub/job/adder/1.0.0")));
    lifecycle.onApi(
        "GET",
        "/api/v1/info",
        Response.json(Map.of("external_pub_url", lifecycle.base() + "/pub")));
    started();
    lifecycle.on("GET", POLL, Response.json(Map.of("sum", 3)));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}", "--async");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("{\n  \"sum\" : 3\n}\n");
  }

  @Test
  void callAsync_whenTheTaskFailed_exitsWithItsError() {
    jobAt("1.0.0");
    started();
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("task_id", TASK);
    failed.put("status", "failed");
    failed.put("attempts", 2);
    failed.put("error", "job call failed: IOException: connection reset");
    lifecycle.on("GET", POLL, Response.json(500, failed));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}", "--async");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: async task "
                + TASK
                + " failed after 2 attempt(s): job call failed: IOException: connection reset\n");
  }

  @Test
  void callAsync_whenTheJobAnsweredAnError_exitsLikeASyncCall() {
    jobAt("1.0.0");
    started();
    lifecycle.on("GET", POLL, Response.json(422, "{\"detail\": \"bad numbers\"}"));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}", "--async");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: job adder answered HTTP 422: {\"detail\": \"bad numbers\"}\n");
  }

  @Test
  void callAsync_whenPubRefusesTheStart_saysSo() {
    jobAt("1.0.0");
    lifecycle.on(
        "POST",
        "/pub/async/new/job/adder/1.0.0" + PERFORM,
        Response.error(403, "you may not call adder"));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}", "--async");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: PUB refused to start the async call: HTTP 403");
    assertThat(lifecycle.requests("GET", POLL)).isEmpty();
  }
}
