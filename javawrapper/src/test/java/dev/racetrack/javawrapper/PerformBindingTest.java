package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** perform over HTTP with records, Optional, void, primitives and exceptions. */
class PerformBindingTest {

  @Test
  void perform_withRecordParameters_bindsThem() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Geometry.class)) {
      HttpResponse<String> response =
          job.perform("{\"a\": {\"x\": 0, \"y\": 0}, \"b\": {\"x\": 3, \"y\": 4}}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).asDouble()).isEqualTo(5.0);
    }
  }

  @Test
  void perform_whenRecordConstructorRejectsValue_returns400() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Geometry.class)) {
      HttpResponse<String> response =
          job.perform("{\"a\": {\"x\": -1, \"y\": 0}, \"b\": {\"x\": 3, \"y\": 4}}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("error").asText())
          .startsWith("argument 'a': ")
          .contains("coordinates must not be negative");
    }
  }

  @Test
  void perform_withUnknownRecordProperty_returns400() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Geometry.class)) {
      HttpResponse<String> response =
          job.perform("{\"a\": {\"x\": 1, \"y\": 0, \"z\": 1}, \"b\": {\"x\": 3, \"y\": 4}}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("error").asText()).startsWith("argument 'a': ").contains("z");
    }
  }

  @Test
  void perform_withOptionalParameterLeftOut_passesEmpty() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Greeter.class)) {
      assertThat(json(job.perform("{\"name\": \"Ann\"}")).asText()).isEqualTo("Hello, Ann!");
      assertThat(json(job.perform("{\"name\": \"Ann\", \"greeting\": null}")).asText())
          .isEqualTo("Hello, Ann!");
      assertThat(json(job.perform("{\"name\": \"Ann\", \"greeting\": \"Hi\"}")).asText())
          .isEqualTo("Hi, Ann!");
    }
  }

  @Test
  void perform_returningVoid_answersNull() throws IOException {
    TestJobs.Recorder recorder = new TestJobs.Recorder();
    try (JobServerFixture job = JobServerFixture.ready(recorder)) {
      HttpResponse<String> response = job.perform("{\"message\": \"hi\"}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("null");
      assertThat(recorder.received).containsExactly("hi");
    }
  }

  @Test
  void perform_withPrimitiveParameter_refusesNullFractionsAndStrings() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Counter.class)) {
      assertThat(json(job.perform("{\"count\": 41}")).asInt()).isEqualTo(42);
      for (String bad : new String[] {"null", "1.5", "\"41\"", "[1]"}) {
        HttpResponse<String> response = job.perform("{\"count\": " + bad + "}");

        assertThat(response.statusCode()).as(bad).isEqualTo(400);
        assertThat(json(response).get("error").asText()).as(bad).startsWith("argument 'count': ");
      }
    }
  }

  @Test
  void perform_whenJobThrows_returns500WithTypeAndMessage() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Failing.class)) {
      HttpResponse<String> response = job.perform("{}");

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(json(response).get("error").asText()).isEqualTo("IllegalStateException: boom");
    }
  }

  @Test
  void perform_seesRequestHeadersThroughRequestContext() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.ContextReader.class)) {
      HttpResponse<String> named =
          job.send(
              java.net.http.HttpRequest.newBuilder(job.uri("/api/v1/perform"))
                  .header("X-Caller-Name", "alice")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));

      assertThat(json(named).asText()).isEqualTo("alice");
      assertThat(json(job.perform("{}")).asText()).isEqualTo("nobody");
    }
  }
}
