package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A job performs only for PUB, which presents the job's secret (issue #7). */
class JobCallGuardTest {
  private static final String PERFORM = "/pub/job/adder/1.0.0/api/v1/perform";

  private static HttpRequest.Builder perform(JobServerFixture job) {
    return HttpRequest.newBuilder(job.uri(PERFORM))
        .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"));
  }

  @Test
  void call_withTheSecret_performs() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      HttpResponse<String> response = job.send(perform(job));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("42.0");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "wrong", "secret-pub-presents-to-adde"})
  void call_withoutTheRightSecret_is401Json(String presented) throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      HttpRequest.Builder request = perform(job);
      if (!presented.isEmpty()) {
        request.header(JobCallGuard.HEADER, presented);
      }
      HttpResponse<String> response = job.sendAsIs(request);

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(json(response).path("type").asText()).isEqualTo("unauthorized");
      assertThat(json(response).path("error").asText()).contains("gateway");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/openapi.json", "/api/v1/parameters", "/", "/no-such-route"})
  void otherRoutes_withoutTheSecret_are401(String path) throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      assertThat(job.sendAsIs(HttpRequest.newBuilder(job.uri(path))).statusCode()).isEqualTo(401);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/live", "/ready", "/health", "/metrics", "/pub/job/adder/x/health"})
  void probesAndMetrics_withoutTheSecret_answer(String path) throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      assertThat(job.sendAsIs(HttpRequest.newBuilder(job.uri(path))).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void job_startedWithoutASecret_performsForNobody() throws IOException {
    try (JobServerFixture job =
        JobServerFixture.ready(
            JobServerFixture.config(Map.of(JobConfig.CALL_SECRET_ENV, "")),
            () -> Entrypoint.load(TestJobs.Adder.class))) {
      HttpResponse<String> response = job.sendAsIs(perform(job));

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(json(response).path("error").asText()).contains(JobConfig.CALL_SECRET_ENV);
      assertThat(job.sendAsIs(HttpRequest.newBuilder(job.uri("/live"))).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void config_toString_neverShowsTheSecret() {
    assertThat(JobServerFixture.config(Map.of()).toString())
        .doesNotContain(JobServerFixture.CALL_SECRET);
  }
}
