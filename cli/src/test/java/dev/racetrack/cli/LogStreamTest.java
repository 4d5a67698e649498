package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.cli.FakeLifecycleFixture.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code racetrack logs --follow} against a fake event stream. */
class LogStreamTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-alice";
  private static final String STREAM = "/api/v1/job/adder/1.0.0/logs/stream";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final Duration WAIT = Duration.ofSeconds(10);

  LogStreamTest() {
    super(TOKEN);
  }

  @Test
  void follow_printsDataLinesInOrderSkippingCommentsAndExitsZeroWhenStreamEnds() {
    lifecycle.onApi(
        "GET",
        STREAM,
        new Response(
            200,
            EVENT_STREAM,
            """
            : following the output of adder v1.0.0

            data: job is ready

            : keepalive

            data: GET /api/v1/perform 200
            data:no space after the colon

            event: other
            id: 7
            retry: 1000
            data
            data:  two spaces keep one

            """));

    CliFixture.Result result = cli.run("logs", "adder", "--version", "1.0.0", "--follow");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "job is ready\nGET /api/v1/perform 200\nno space after the colon\n\n two spaces keep one\n");
    assertThat(result.err()).isEmpty();
    Recorded request = lifecycle.onlyApiRequest("GET", STREAM);
    assertThat(request.query()).isEqualTo("tail=20");
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(request.header("Accept")).isEqualTo(EVENT_STREAM);
    assertThat(lifecycle.apiRequests("GET", "/api/v1/job/adder/1.0.0/logs/plain")).isEmpty();
  }

  @Test
  void follow_printsEachLineAsItArrivesAndEndsWithTheStream() {
    Stream stream = lifecycle.onApiStream("GET", STREAM, EVENT_STREAM);

    CliFixture.Running running = cli.start("logs", "adder", "--version", "1.0.0", "-f");
    stream.send(": following the output of adder v1.0.0\n\ndata: first\n\n");
    await().atMost(WAIT).until(() -> running.out().equals("first\n"));
    stream.send(": keepalive\n\n");
    stream.send("data: second\r\n\r\n");
    await().atMost(WAIT).until(() -> running.out().equals("first\nsecond\n"));
    assertThat(running.isDone()).isFalse();
    stream.end();

    CliFixture.Result result = running.await(WAIT);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("first\nsecond\n");
  }

  @Test
  void follow_withTailAndLatest_passesThemToTheStream() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/latest/logs/stream",
        new Response(200, EVENT_STREAM, "data: only\n\n"));

    CliFixture.Result result = cli.run("logs", "adder", "-f", "--tail", "0");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("only\n");
    assertThat(lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/latest/logs/stream").query())
        .isEqualTo("tail=0");
  }

  @Test
  void follow_whenServerAnswersErrorBody_printsItsMessageAndExitsNonZero() {
    lifecycle.onApi(
        "GET", STREAM, Response.error(404, "job adder v1.0.0 is not running anywhere yet"));

    CliFixture.Result result = cli.run("logs", "adder", "--version", "1.0.0", "--follow");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job adder v1.0.0 is not running anywhere yet\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void follow_whenServerAnswersNonJsonError_printsTheBodyOnOneLine() {
    lifecycle.onApi("GET", STREAM, Response.text(502, "Bad Gateway\n\nupstream is down\n"));

    CliFixture.Result result = cli.run("logs", "adder", "--version", "1.0.0", "--follow");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: Bad Gateway upstream is down\n");
  }

  @Test
  void follow_withoutToken_failsTellingToLogInAndSendsNothing() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("logs", "adder", "--follow");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("missing auth token for " + lifecycle.url(), "racetrack login");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void follow_whenNothingListens_failsNamingTheRemote() {
    String url = "http://127.0.0.1:1/lifecycle";
    cli.loggedIn(url, TOKEN);

    CliFixture.Result result = cli.run("logs", "adder", "--follow");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: cannot connect to " + url + " (is it running?)\n");
  }

  @ParameterizedTest(name = "''{0}'' -> ''{1}''")
  @CsvSource(
      value = {
        "data: x|x",
        "data:x|x",
        "'data:  x'|' x'",
        "data|''",
        "data:|''",
        ": data: x|-",
        "''|-",
        "event: data|-",
        "id: 1|-",
        "database: x|-",
      },
      delimiter = '|')
  void data_ofEventStreamLine_isTheTextOfDataFieldsOnly(String line, String expected) {
    assertThat(LogStream.data(line).orElse("-")).isEqualTo(expected);
  }

  @Test
  void errorMessage_withoutBody_namesTheStatus() {
    assertThat(LogStream.errorMessage(500, new byte[0])).isEqualTo("HTTP 500");
    assertThat(
            LogStream.errorMessage(
                403,
                "{\"error\": \"no permission\", \"type\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("no permission");
  }
}
