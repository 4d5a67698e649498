package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobServerTest {
  private JobServerFixture adder;

  @BeforeEach
  void startAdder() throws IOException {
    adder = JobServerFixture.ready(TestJobs.Adder.class);
  }

  @AfterEach
  void stop() {
    adder.close();
  }

  @Test
  void perform_withListOfNumbers_returnsSum() {
    HttpResponse<String> response = adder.perform("{\"numbers\": [40, 2.5]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(response.body().length()));
    assertThat(json(response).asDouble()).isEqualTo(42.5);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/pub/job/adder/latest/api/v1/perform",
        "/pub/job/adder/0.0.1/api/v1/perform",
        "/pub/job/adder/1.x/api/v1/perform",
        "/pub/fatman/adder/latest/api/v1/perform"
      })
  void perform_underPublicPrefixWithAnyVersion_isServed(String path) {
    HttpResponse<String> response = adder.post(path, "{\"numbers\": [1, 2]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).asDouble()).isEqualTo(3.0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/live", "/pub/job/adder/latest/live", "/pub/job/adder/0.0.1/live"})
  void live_atRootAndUnderPrefix_isAlive(String path) {
    HttpResponse<String> response = adder.get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"live\":true,\"deployment_timestamp\":1700000000}");
  }

  @Test
  void readyAndHealth_whenLoaded_pass() {
    assertThat(adder.get("/ready").statusCode()).isEqualTo(200);
    assertThat(json(adder.get("/ready")).get("ready").asBoolean()).isTrue();

    HttpResponse<String> health = adder.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = json(health);
    assertThat(body.get("service").asText()).isEqualTo("job");
    assertThat(body.get("job_name").asText()).isEqualTo("adder");
    assertThat(body.get("job_version").asText()).isEqualTo("0.0.1");
    assertThat(body.get("live").asBoolean()).isTrue();
    assertThat(body.get("ready").asBoolean()).isTrue();
    assertThat(body.get("status").asText()).isEqualTo("pass");
    assertThat(body.get("error").isNull()).isTrue();
    assertThat(body.get("git_version").asText()).isEqualTo("abc123");
    assertThat(body.get("deployed_by_racetrack_version").asText()).isEqualTo("2.36.0");
    assertThat(body.get("deployment_timestamp").asLong())
        .isEqualTo(JobServerFixture.DEPLOYMENT_TIMESTAMP);
    assertThat(body.get("job_type_version").asText()).isEqualTo("java:1.0.0");
  }

  @Test
  void perform_whenArgumentMissing_returns400NamingIt() {
    HttpResponse<String> response = adder.perform("{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).contains("missing").contains("'numbers'");
  }

  @Test
  void perform_withEmptyBody_treatsItAsEmptyObject() {
    HttpResponse<String> response = adder.perform("");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).contains("'numbers'");
  }

  @Test
  void perform_withUnknownArguments_returns400ListingThem() {
    HttpResponse<String> response = adder.perform("{\"numbers\": [1], \"extra\": 1, \"more\": 2}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText())
        .contains("unknown")
        .contains("'extra'")
        .contains("'more'");
  }

  @Test
  void perform_withWronglyTypedArgument_returns400NamingIt() {
    HttpResponse<String> response = adder.perform("{\"numbers\": [1, \"two\"]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText())
        .startsWith("argument 'numbers': ")
        .contains("two")
        .contains("[1]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1, 2]", "42", "\"text\"", "{\"numbers\": [1]} trailing"})
  void perform_withBodyThatIsNotAJsonObject_returns400(String body) {
    HttpResponse<String> response = adder.perform(body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).contains("body");
  }

  @Test
  void perform_withBodyOverLimit_returns413() throws IOException {
    JobConfig config = JobServerFixture.config(Map.of("JOB_MAX_BODY_BYTES", "100"));
    try (JobServerFixture small =
        JobServerFixture.ready(config, () -> Entrypoint.load(TestJobs.Adder.class))) {
      String numbers = "1, ".repeat(60) + "1";

      HttpResponse<String> response = small.perform("{\"numbers\": [" + numbers + "]}");

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(json(response).get("error").asText()).contains("100 bytes");
      assertThat(small.perform("{\"numbers\": [1, 2]}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void parameters_listsNamesAndGenericTypes() {
    HttpResponse<String> response = adder.get("/api/v1/parameters");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[{\"name\":\"numbers\",\"type\":\"List<Double>\"}]");
  }

  @Test
  void unknownPath_returns404Json() {
    for (String path : new String[] {"/nope", "/api/v1/other", "/pub/job/other-job/1/live"}) {
      HttpResponse<String> response = adder.get(path);

      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(json(response).get("error").asText()).as(path).contains("not found");
    }
  }

  @Test
  void wrongMethod_returns405WithAllow() {
    HttpResponse<String> getPerform = adder.get("/api/v1/perform");
    HttpResponse<String> postLive = adder.post("/live", "{}");

    assertThat(getPerform.statusCode()).isEqualTo(405);
    assertThat(getPerform.headers().firstValue("Allow")).hasValue("POST");
    assertThat(json(getPerform).has("error")).isTrue();
    assertThat(postLive.statusCode()).isEqualTo(405);
    assertThat(postLive.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void head_onProbe_answersWithoutBody() {
    HttpResponse<String> response =
        adder.send(
            HttpRequest.newBuilder(adder.uri("/live"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void homePage_namesJobAndLinksOpenApiUnderPrefix() {
    HttpResponse<String> response = adder.get("/pub/job/adder/latest/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(response.body())
        .contains("Job adder")
        .contains("href=\"/pub/job/adder/latest/openapi.json\"")
        .doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(adder.get("/").body()).contains("href=\"/openapi.json\"");
  }

  @Test
  void perform_keepsConnectionAliveAcrossCalls() {
    for (int i = 0; i < 20; i++) {
      assertThat(adder.perform("{\"numbers\": [" + i + "]}").statusCode()).isEqualTo(200);
    }
  }
}
