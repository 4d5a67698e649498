package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A slow perform blocks neither the probes nor other calls. */
class ConcurrencyTest {

  @Test
  void probes_answerWhilePerformIsRunning() throws Exception {
    TestJobs.Blocking blocking = new TestJobs.Blocking();
    try (JobServerFixture job = JobServerFixture.ready(blocking)) {
      CompletableFuture<HttpResponse<String>> call = job.performAsync("{}");
      assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(job.get("/live").statusCode()).isEqualTo(200);
      assertThat(job.get("/ready").statusCode()).isEqualTo(200);
      assertThat(job.get("/health").statusCode()).isEqualTo(200);
      String metrics = job.get("/metrics").body();
      assertThat(metrics)
          .contains("requests_started_total 1\n")
          .contains("requests_done_total 0\n");
      assertThat(call).isNotDone();

      blocking.release.countDown();

      HttpResponse<String> response = call.get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).asText()).isEqualTo("released");
    }
  }

  @Test
  void performs_runConcurrently() throws Exception {
    try (JobServerFixture job = JobServerFixture.ready(new TestJobs.Rendezvous(2))) {
      CompletableFuture<HttpResponse<String>> first = job.performAsync("{}");
      CompletableFuture<HttpResponse<String>> second = job.performAsync("{}");

      // Each call returns true only if the other one entered perform while it was waiting.
      assertThat(json(first.get(20, TimeUnit.SECONDS)).asBoolean()).isTrue();
      assertThat(json(second.get(20, TimeUnit.SECONDS)).asBoolean()).isTrue();
    }
  }
}
