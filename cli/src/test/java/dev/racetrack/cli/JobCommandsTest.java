package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.FakeLifecycleFixture.Recorded;
import dev.racetrack.cli.FakeLifecycleFixture.Response;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-alice";
  private static final String PERFORM = "/api/v1/perform";

  JobCommandsTest() {
    super(TOKEN);
  }

  private String pubUrl(String name, String version) {
    return lifecycle.base() + "/pub/job/" + name + "/" + version;
  }

  // --- missing token ---

  @Test
  void list_withoutTokenForRemote_failsTellingToLogInAndSendsNothing() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: missing auth token for " + lifecycle.url() + ".")
        .contains("racetrack login --remote " + lifecycle.url());
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void list_withTokenOfAnotherRemoteOnly_failsTellingToLogIn() {
    cli.loggedIn("https://elsewhere.example.com/lifecycle", TOKEN);

    CliFixture.Result result = cli.run("list", "--remote", lifecycle.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("missing auth token for " + lifecycle.url(), "login");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- list ---

  private static Map<String, Object> page(List<Map<String, Object>> items, String next) {
    Map<String, Object> page = new java.util.LinkedHashMap<>();
    page.put("items", items);
    page.put("total", 3);
    page.put("limit", 100);
    page.put("sort", "newest");
    page.put("next_cursor", next);
    return page;
  }

  @Test
  void list_asTable_printsAlignedRowsAndSendsToken() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job",
        Response.json(
            page(
                List.of(
                    job("adder", "1.0.0", "running", pubUrl("adder", "1.0.0")),
                    job("long-job-name", "10.20.30-rc.1", "error", pubUrl("x", "y"))),
                null)));

    CliFixture.Result result = cli.run("list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "VERSION", "STATUS");
    assertThat(lines.get(1).split("\\s+")).containsExactly("adder", "1.0.0", "running");
    assertThat(lines.get(2)).startsWith("long-job-name  10.20.30-rc.1  error");
    for (String column : List.of("VERSION", "STATUS")) {
      int at = lines.get(0).indexOf(column);
      assertThat(lines.get(1).charAt(at - 1)).as(column).isEqualTo(' ');
      assertThat(lines.get(1).charAt(at)).as(column).isNotEqualTo(' ');
      assertThat(lines.get(2).charAt(at)).as(column).isNotEqualTo(' ');
    }
    Recorded request = lifecycle.onlyApiRequest("GET", "/api/v1/job");
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(request.query()).isEqualTo("limit=100&sort=newest");
  }

  @Test
  void list_followsCursorsOfThePagedApi_untilTheLastPage() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job",
        Response.json(page(List.of(job("a", "1.0.0", "running", "u")), "c1+/=")),
        Response.json(page(List.of(job("b", "1.0.0", "running", "u")), "c2")),
        Response.json(page(List.of(job("c", "1.0.0", "lost", "u")), null)));

    CliFixture.Result result = cli.run("list");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().skip(1).map(l -> l.split("\\s+")[0]))
        .containsExactly("a", "b", "c");
    assertThat(lifecycle.apiRequests("GET", "/api/v1/job").stream().map(Recorded::query))
        .containsExactly(
            "limit=100&sort=newest",
            "limit=100&sort=newest&cursor=c1%2B%2F%3D",
            "limit=100&sort=newest&cursor=c2");
  }

  @Test
  void list_againstAServerWithoutPaging_takesTheWholeList() {
    lifecycle.onApi(
        "GET", "/api/v1/job", Response.json(List.of(job("adder", "1.0.0", "running", "u"))));

    CliFixture.Result result = cli.run("list");

    assertThat(result.out()).isEqualTo("NAME   VERSION  STATUS\nadder  1.0.0    running\n");
  }

  @Test
  void list_withColumns_addsThemInTheOrderAsked() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job",
        Response.json(page(List.of(job("adder", "1.0.0", "running", "http://x/pub")), null)));

    CliFixture.Result result = cli.run("list", "-c", "pub_url", "--column", "deployed_by");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("NAME   VERSION  STATUS   PUB URL       DEPLOYED BY");
    assertThat(lines.get(1).split("\\s+"))
        .containsExactly("adder", "1.0.0", "running", "http://x/pub", "alice");
  }

  @Test
  void list_withColumnAll_showsEveryColumn_andADashForEmptyCells() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job",
        Response.json(page(List.of(job("adder", "1.0.0", "running", "http://x/pub")), null)));

    CliFixture.Result result = cli.run("list", "-c", "all");

    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0).split("\\s{2,}"))
        .containsExactly(
            "NAME",
            "VERSION",
            "STATUS",
            "JOB TYPE",
            "INFRASTRUCTURE",
            "DEPLOYED BY",
            "UPDATED AT",
            "LAST CALL AT",
            "PUB URL");
    assertThat(lines.get(1).split("\\s+"))
        .containsExactly(
            "adder",
            "1.0.0",
            "running",
            "-",
            "local",
            "alice",
            "2023-11-14T22:23:20Z",
            "never",
            "http://x/pub");
  }

  @Test
  void list_withUnknownColumn_failsNamingIt() {
    CliFixture.Result result = cli.run("list", "-c", "colour");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("colour", "job_type");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void list_withNoJobs_printsHeaderOnly() {
    lifecycle.onApi("GET", "/api/v1/job", Response.json(page(List.of(), null)));

    CliFixture.Result result = cli.run("list");

    assertThat(result.out()).isEqualTo("NAME  VERSION  STATUS\n");
  }

  @Test
  void list_asJson_printsJobsInWireFormat() throws IOException {
    lifecycle.onApi(
        "GET",
        "/api/v1/job",
        Response.json(List.of(job("adder", "1.0.0", "running", pubUrl("adder", "1.0.0")))));

    CliFixture.Result result = cli.run("list", "-o", "json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode jobs = Json.mapper().readTree(result.out());
    assertThat(jobs.isArray()).isTrue();
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).path("name").asText()).isEqualTo("adder");
    assertThat(jobs.get(0).path("status").asText()).isEqualTo("running");
    assertThat(jobs.get(0).path("pub_url").asText()).isEqualTo(pubUrl("adder", "1.0.0"));
    assertThat(jobs.get(0).path("update_time").asLong()).isEqualTo(1_700_000_600L);
  }

  @Test
  void list_withUnknownOutputFormat_fails() {
    lifecycle.onApi("GET", "/api/v1/job", Response.json("[]"));

    CliFixture.Result result = cli.run("list", "--output", "yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: --output must be table or json, got 'yaml'\n");
  }

  @Test
  void list_whenServerFails_printsServerMessage() {
    lifecycle.onApi("GET", "/api/v1/job", Response.error(401, "auth token expired"));

    CliFixture.Result result = cli.run("list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: auth token expired\n");
  }

  // --- call ---

  private void jobAt(String version, String resolvedVersion) {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/" + version,
        Response.json(job("adder", resolvedVersion, "running", pubUrl("adder", resolvedVersion))));
  }

  @Test
  void call_withJsonPayload_postsItToPubUrlWithTokenAndPrintsPrettyJson() {
    jobAt("latest", "1.0.0");
    lifecycle.on(
        "POST",
        "/pub/job/adder/1.0.0" + PERFORM,
        Response.json(Map.of("sum", 42, "parts", List.of(40, 2))));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{\"numbers\": [40, 2]}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(
            lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/latest").header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
    Recorded call = lifecycle.requests("POST", "/pub/job/adder/1.0.0" + PERFORM).getFirst();
    assertThat(call.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.json()).isEqualTo(Json.mapper().valueToTree(Map.of("numbers", List.of(40, 2))));
    JsonNode printed = readJson(result.out());
    assertThat(printed)
        .isEqualTo(Json.mapper().valueToTree(Map.of("sum", 42, "parts", List.of(40, 2))));
    assertThat(result.out()).contains("\n  \"sum\" : 42");
  }

  @Test
  void call_withVersionAndYamlPayload_usesVersionAndSendsJson() {
    jobAt("1.x", "1.2.0");
    lifecycle.on("POST", "/pub/job/adder/1.2.0" + PERFORM, Response.json("3"));

    CliFixture.Result result =
        cli.run("call", "adder", "api/v1/perform", "numbers: [1, 2]", "--version", "1.x");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("3\n");
    Recorded call = lifecycle.requests("POST", "/pub/job/adder/1.2.0" + PERFORM).getFirst();
    assertThat(call.body()).isEqualTo("{\"numbers\":[1,2]}");
  }

  @Test
  void call_withJsonOnlyEscapes_sendsTheParsedJson() {
    jobAt("latest", "1.0.0");
    lifecycle.on("POST", "/pub/job/adder/1.0.0" + PERFORM, Response.json("{}"));

    // "\/" is a valid JSON escape that YAML rejects
    CliFixture.Result result =
        cli.run("call", "adder", PERFORM, "{\"url\": \"http:\\/\\/example.com\\/x\"}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Recorded call = lifecycle.requests("POST", "/pub/job/adder/1.0.0" + PERFORM).getFirst();
    assertThat(call.json().path("url").asText()).isEqualTo("http://example.com/x");
  }

  @Test
  void call_withoutPayload_sendsGet() {
    jobAt("latest", "1.0.0");
    lifecycle.on("GET", "/pub/job/adder/1.0.0/api/v1/parameters", Response.json("[]"));

    CliFixture.Result result = cli.run("call", "adder", "/api/v1/parameters");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("[ ]\n");
    assertThat(lifecycle.requests("GET", "/pub/job/adder/1.0.0/api/v1/parameters")).hasSize(1);
  }

  @Test
  void call_whenJobAnswersError_exitsWithStatusAndBody() {
    jobAt("latest", "1.0.0");
    lifecycle.on(
        "POST",
        "/pub/job/adder/1.0.0" + PERFORM,
        Response.json(500, "{\"error\": \"division by zero\"}"));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("error: job adder answered HTTP 500: {\"error\": \"division by zero\"}\n");
  }

  @Test
  void call_whenJobRedirects_exitsWithStatus() {
    jobAt("latest", "1.0.0");
    lifecycle.on("POST", "/pub/job/adder/1.0.0" + PERFORM, Response.text(302, "moved"));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job adder answered HTTP 302: moved\n");
  }

  @Test
  void call_whenJobAnswersPlainText_printsItUnchanged() {
    jobAt("latest", "1.0.0");
    lifecycle.on("POST", "/pub/job/adder/1.0.0" + PERFORM, Response.text(200, "200 OK, all done"));

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("200 OK, all done\n");
  }

  @Test
  void call_whenJobIsUnknown_printsServerMessageAndCallsNoJob() {
    lifecycle.onApi("GET", "/api/v1/job/nope/latest", Response.error(404, "job nope not found"));

    CliFixture.Result result = cli.run("call", "nope", PERFORM, "{}");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job nope not found\n");
    assertThat(lifecycle.requests()).hasSize(1);
  }

  @Test
  void call_withUnparsablePayload_failsWithoutCallingJob() {
    jobAt("latest", "1.0.0");

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{\"numbers\": [40,");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: PAYLOAD is neither JSON nor YAML");
    assertThat(lifecycle.requests("POST", "/pub/job/adder/1.0.0" + PERFORM)).isEmpty();
  }

  @Test
  void call_withoutToken_failsTellingToLogIn() {
    cli.writeConfig("lifecycle_url: " + lifecycle.url() + "\n");

    CliFixture.Result result = cli.run("call", "adder", PERFORM, "{}");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains(lifecycle.url(), "racetrack login");
    assertThat(lifecycle.requests()).isEmpty();
  }

  // --- logs, build-logs ---

  @Test
  void logs_byDefault_getsPlainLogsOfLatestWithTail20() {
    lifecycle.onApi(
        "GET", "/api/v1/job/adder/latest/logs/plain", Response.text(200, "line 1\nline 2"));

    CliFixture.Result result = cli.run("logs", "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("line 1\nline 2\n");
    Recorded request = lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/latest/logs/plain");
    assertThat(request.query()).isEqualTo("tail=20");
    assertThat(request.header("X-Racetrack-Auth")).isEqualTo(TOKEN);
  }

  @Test
  void logs_withVersionAndTail_passesThem() {
    lifecycle.onApi("GET", "/api/v1/job/adder/1.0.0/logs/plain", Response.text(200, "last\n"));

    CliFixture.Result result = cli.run("logs", "adder", "--version", "1.0.0", "--tail", "5");

    assertThat(result.out()).isEqualTo("last\n");
    assertThat(lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/1.0.0/logs/plain").query())
        .isEqualTo("tail=5");
  }

  @Test
  void logs_whenJobIsUnknown_printsServerMessage() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/9.9.9/logs/plain",
        Response.error(404, "job adder v9.9.9 not found"));

    CliFixture.Result result = cli.run("logs", "adder", "--version", "9.9.9");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: job adder v9.9.9 not found\n");
  }

  @Test
  void buildLogs_byDefault_getsWholePlainBuildLog() {
    lifecycle.onApi(
        "GET", "/api/v1/job/adder/latest/build-logs/plain", Response.text(200, "step 1\nstep 2\n"));

    CliFixture.Result result = cli.run("build-logs", "adder");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("step 1\nstep 2\n");
    assertThat(lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/latest/build-logs/plain").query())
        .isEqualTo("tail=0");
  }

  @Test
  void buildLogs_withVersionAndTail_passesThem() {
    lifecycle.onApi("GET", "/api/v1/job/adder/0.0.1/build-logs/plain", Response.text(200, ""));

    CliFixture.Result result = cli.run("build-logs", "adder", "--version", "0.0.1", "--tail", "3");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(lifecycle.onlyApiRequest("GET", "/api/v1/job/adder/0.0.1/build-logs/plain").query())
        .isEqualTo("tail=3");
  }

  // --- delete ---

  @Test
  void delete_withVersion_sendsDeleteAndConfirms() {
    lifecycle.onApi(
        "DELETE",
        "/api/v1/job/adder/1.0.0",
        Response.json(Map.of("deleted", Map.of("name", "adder", "version", "1.0.0"))));

    CliFixture.Result result = cli.run("delete", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("deleted job adder v1.0.0\n");
    assertThat(
            lifecycle
                .onlyApiRequest("DELETE", "/api/v1/job/adder/1.0.0")
                .header("X-Racetrack-Auth"))
        .isEqualTo(TOKEN);
  }

  @Test
  void delete_withoutVersion_failsWithUsageAndSendsNothing() {
    CliFixture.Result result = cli.run("delete", "adder");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Missing required option: '--version", "Usage: racetrack delete");
    assertThat(lifecycle.requests()).isEmpty();
  }

  @Test
  void delete_whenServerRefuses_printsServerMessage() {
    lifecycle.onApi(
        "DELETE", "/api/v1/job/adder/1.0.0", Response.error(403, "no permission to delete adder"));

    CliFixture.Result result = cli.run("delete", "adder", "--version", "1.0.0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no permission to delete adder\n");
  }

  @Test
  void segment_withReservedCharacters_isPercentEncoded() {
    assertThat(JobCommands.segment("a b/c")).isEqualTo("a%20b%2Fc");
    assertThat(JobCommands.segment("1.x")).isEqualTo("1.x");
  }

  private static JsonNode readJson(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
