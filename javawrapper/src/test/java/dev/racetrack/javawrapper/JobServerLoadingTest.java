package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Probes while the entrypoint loads, after it loaded, and when it failed to load. */
class JobServerLoadingTest {

  @Test
  void probes_whileEntrypointLoads_areAliveButNotReady_thenReady() throws IOException {
    CountDownLatch constructorMayFinish = new CountDownLatch(1);
    Callable<Entrypoint> slowLoader =
        () -> {
          if (!constructorMayFinish.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test did not release the loader");
          }
          return Entrypoint.load(TestJobs.Adder.class);
        };
    try (JobServerFixture job =
        JobServerFixture.start(JobServerFixture.config(Map.of()), slowLoader)) {
      assertThat(job.get("/live").statusCode()).isEqualTo(200);
      assertThat(json(job.get("/live")).get("live").asBoolean()).isTrue();
      assertThat(job.get("/ready").statusCode()).isEqualTo(500);
      assertThat(json(job.get("/ready")).get("ready").asBoolean()).isFalse();
      HttpResponse<String> health = job.get("/health");
      assertThat(health.statusCode()).isEqualTo(500);
      assertThat(json(health).get("live").asBoolean()).isTrue();
      assertThat(json(health).get("ready").asBoolean()).isFalse();
      assertThat(json(health).get("status").asText()).isEqualTo("fail");
      HttpResponse<String> perform = job.perform("{\"numbers\": [1]}");
      assertThat(perform.statusCode()).isEqualTo(503);
      assertThat(json(perform).get("error").asText()).isEqualTo("job is not ready yet");
      assertThat(job.get("/openapi.json").statusCode()).isEqualTo(503);
      assertThat(job.get("/metrics").statusCode()).isEqualTo(200);

      constructorMayFinish.countDown();

      await().atMost(Duration.ofSeconds(10)).until(() -> job.get("/ready").statusCode() == 200);
      assertThat(job.get("/health").statusCode()).isEqualTo(200);
      assertThat(json(job.perform("{\"numbers\": [1]}")).asDouble()).isEqualTo(1.0);
    }
  }

  @Test
  void probes_whenConstructorThrows_reportInitError() throws IOException {
    try (JobServerFixture job = failedJob(TestJobs.ThrowingConstructor.class)) {
      HttpResponse<String> live = job.get("/live");
      assertThat(live.statusCode()).isEqualTo(500);
      assertThat(live.body())
          .isEqualTo(
              "{\"live\":false,\"deployment_timestamp\":1700000000,"
                  + "\"error\":\"IllegalStateException: no database\"}");
      assertThat(job.get("/ready").statusCode()).isEqualTo(500);
      JsonNode health = json(job.get("/health"));
      assertThat(health.get("live").asBoolean()).isFalse();
      assertThat(health.get("status").asText()).isEqualTo("fail");
      assertThat(health.get("error").asText()).isEqualTo("IllegalStateException: no database");
      HttpResponse<String> perform = job.perform("{}");
      assertThat(perform.statusCode()).isEqualTo(500);
      assertThat(json(perform).get("error").asText())
          .contains("IllegalStateException: no database");
    }
  }

  @Test
  void live_whenTwoPerformMethods_reportsErrorNamingTheClass() throws IOException {
    try (JobServerFixture job = failedJob(TestJobs.TwoPerforms.class)) {
      HttpResponse<String> live = job.get("/live");

      assertThat(live.statusCode()).isEqualTo(500);
      assertThat(json(live).get("error").asText())
          .startsWith("JobInitException: ")
          .contains(TestJobs.TwoPerforms.class.getName())
          .contains("exactly one public method named perform, found 2");
    }
  }

  @Test
  void live_whenEntrypointClassDoesNotExist_reportsClassNotFound() throws IOException {
    try (JobServerFixture job = failedJob(() -> Entrypoint.load("com.example.DoesNotExist"))) {
      assertThat(json(job.get("/live")).get("error").asText())
          .isEqualTo("ClassNotFoundException: com.example.DoesNotExist");
    }
  }

  private static JobServerFixture failedJob(Class<?> jobClass) throws IOException {
    return failedJob(() -> Entrypoint.load(jobClass));
  }

  private static JobServerFixture failedJob(Callable<Entrypoint> loader) throws IOException {
    JobServerFixture job = JobServerFixture.start(JobServerFixture.config(Map.of()), loader);
    await().atMost(Duration.ofSeconds(10)).until(() -> job.get("/live").statusCode() == 500);
    return job;
  }
}
