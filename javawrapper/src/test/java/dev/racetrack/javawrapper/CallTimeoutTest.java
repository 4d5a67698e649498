package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The job's call_timeout ({@code JOB_CALL_TIMEOUT}): the wrapper stops waiting at the limit. */
class CallTimeoutTest {

  @Test
  void perform_outlivingCallTimeout_is504NamingTheLimit_andItsThreadIsInterrupted()
      throws Exception {
    TestJobs.Sleeper job = new TestJobs.Sleeper();
    JobConfig config = JobServerFixture.config(Map.of("JOB_CALL_TIMEOUT", "1"));
    try (JobServerFixture server = JobServerFixture.ready(config, () -> Entrypoint.of(job))) {
      HttpResponse<String> response = server.perform("{\"seconds\": 60}");

      assertThat(response.statusCode()).isEqualTo(504);
      JsonNode body = json(response);
      assertThat(body.get("error").asText()).contains("call_timeout of 1 s");
      assertThat(body.get("type").asText()).isEqualTo("call_timeout");
      assertThat(job.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.perform("{\"seconds\": 0}").body()).isEqualTo("\"slept\"");
    }
  }

  @Test
  void perform_withinCallTimeout_isAnswered() throws IOException {
    JobConfig config = JobServerFixture.config(Map.of("JOB_CALL_TIMEOUT", "30"));
    try (JobServerFixture server =
        JobServerFixture.ready(config, () -> Entrypoint.of(new TestJobs.Sleeper()))) {
      HttpResponse<String> response = server.perform("{\"seconds\": 0.01}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("\"slept\"");
    }
  }
}
