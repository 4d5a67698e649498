package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobCallClientTest {
  private FakePubFixture pub;
  private JobCallClient client;

  @BeforeEach
  void start() throws IOException {
    pub = new FakePubFixture();
    client = new JobCallClient(callConfig(Duration.ofSeconds(10)));
    JobCalls.configure(client);
  }

  @AfterEach
  void stop() {
    JobCalls.configure((JobCallClient) null);
    pub.close();
  }

  private JobCallConfig callConfig(Duration timeout) {
    return new JobCallConfig(
        pub.pubUrl(), "family-token", "X-Request-Tracing-Id", "X-Caller-Name", timeout);
  }

  @Test
  void callJob_postsJsonToPubWithFamilyToken() {
    Object result = JobCalls.callJob("adder", "/api/v1/perform", Map.of("numbers", List.of(40, 2)));

    assertThat(result).isEqualTo(42.0);
    FakePubFixture.Recorded request = pub.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/pub/job/adder/latest/api/v1/perform");
    assertThat(request.headers().getFirst("X-Racetrack-Auth")).isEqualTo("family-token");
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(request.body()).isEqualTo("{\"numbers\":[40,2]}");
    assertThat(request.headers().containsKey("X-Request-Tracing-Id")).isFalse();
    assertThat(request.headers().containsKey("X-Caller-Name")).isFalse();
  }

  @Test
  void callJob_withVersionAndResultType_convertsResult() {
    pub.respond(200, "{\"total\": 3, \"parts\": [1, 2]}");

    Map<String, Object> result =
        JobCalls.callJob(
            "adder",
            "api/v1/perform",
            Map.of(),
            "1.x",
            new TypeReference<Map<String, Object>>() {});
    pub.respond(200, "41.5");
    double number = JobCalls.callJob("adder", "/api/v1/perform", Map.of(), Double.class);

    assertThat(result).containsEntry("total", 3).containsEntry("parts", List.of(1, 2));
    assertThat(number).isEqualTo(41.5);
    assertThat(pub.requests().get(0).path()).isEqualTo("/pub/job/adder/1.x/api/v1/perform");
  }

  @Test
  void callJob_whenPubRefuses_throwsWithStatusAndBody() {
    pub.respond(401, "{\"error\": \"no permission to do this operation\"}");

    assertThatThrownBy(() -> JobCalls.callJob("adder", "/api/v1/perform", Map.of()))
        .isInstanceOfSatisfying(
            JobCallException.class,
            e -> {
              assertThat(e.status()).hasValue(401);
              assertThat(e.responseBody()).contains("no permission");
            })
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("{\"error\": \"no permission to do this operation\"}")
        .hasMessageContaining("\"adder\"");
  }

  @Test
  void call_whenPubDoesNotAnswerInTime_throwsWithoutStatus() {
    pub.blockResponses();
    JobCallClient impatient = new JobCallClient(callConfig(Duration.ofMillis(200)));

    assertThatThrownBy(() -> impatient.call("adder", "latest", "/api/v1/perform", Map.of()))
        .isInstanceOfSatisfying(JobCallException.class, e -> assertThat(e.status()).isEmpty())
        .hasMessageContaining("failed to call job \"adder\"");
  }

  @Test
  void call_withoutPubUrl_throws() {
    JobCallClient unconfigured =
        new JobCallClient(
            new JobCallConfig(
                "", "", "X-Request-Tracing-Id", "X-Caller-Name", Duration.ofSeconds(1)));

    assertThatThrownBy(() -> unconfigured.call("adder", "latest", "/api/v1/perform", Map.of()))
        .isInstanceOf(JobCallException.class)
        .hasMessageContaining("PUB_URL");
  }

  @Test
  void callJob_fromInsidePerform_propagatesTracingIdAndCaller() throws IOException {
    try (JobServerFixture caller = JobServerFixture.ready(TestJobs.Caller.class)) {
      HttpResponse<String> response =
          caller.send(
              HttpRequest.newBuilder(caller.uri("/pub/job/adder/latest/api/v1/perform"))
                  .header("X-Request-Tracing-Id", "trace-123")
                  .header("X-Caller-Name", "alice")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 40, \"b\": 2}")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).asDouble()).isEqualTo(42.0);
      FakePubFixture.Recorded request = pub.onlyRequest();
      assertThat(request.headers().getFirst("X-Request-Tracing-Id")).isEqualTo("trace-123");
      assertThat(request.headers().getFirst("X-Caller-Name")).isEqualTo("alice");
      assertThat(request.headers().getFirst("X-Racetrack-Auth")).isEqualTo("family-token");
      assertThat(request.body()).isEqualTo("{\"numbers\":[40,2]}");
    }
  }

  @Test
  void callJob_fromInsidePerform_whenPubRefuses_failsTheCallWith500() throws IOException {
    pub.respond(401, "{\"error\": \"Unauthorized: no permission\"}");
    try (JobServerFixture caller = JobServerFixture.ready(TestJobs.Caller.class)) {
      HttpResponse<String> response = caller.perform("{\"a\": 1, \"b\": 2}");

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(json(response).get("error").asText())
          .startsWith("JobCallException: ")
          .contains("HTTP 401")
          .contains("Unauthorized: no permission");
    }
  }
}
