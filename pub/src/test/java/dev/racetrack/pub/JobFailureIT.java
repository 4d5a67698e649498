package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A job that is gone or dies during a call gives a 502 JSON error naming the cause (§5.3.7). */
class JobFailureIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private FakeLifecycleFixture lifecycle;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() {
    pub.close();
    lifecycle.close();
  }

  @Test
  void jobStopped_gives502WithClassifiedCauseAndJobDetails() {
    FakeJobFixture job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    job.close();

    HttpResponse<String> response = pub.get(CALL, "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    String tracingId = response.headers().firstValue("X-Request-Tracing-Id").orElseThrow();
    JsonNode body = PubFixture.json(response);
    assertThat(body.path("error").asText())
        .isEqualTo("Reverse proxy error: connection refused to a target job (job may be dead)");
    assertThat(body.path("jobName").asText()).isEqualTo("adder");
    assertThat(body.path("jobVersion").asText()).isEqualTo("1.2.3");
    assertThat(body.path("jobStatus").asText()).isEqualTo("running");
    assertThat(body.path("requestId").asText()).isEqualTo(tracingId);
    assertThat(body.path("caller").asText()).isEqualTo("User alice");
  }

  @Test
  void jobStopped_withoutCaller_givesNullCaller() {
    FakeJobFixture job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.empty());
    job.close();

    JsonNode body = PubFixture.json(pub.get(CALL));

    assertThat(body.has("caller")).isTrue();
    assertThat(body.get("caller").isNull()).isTrue();
  }

  @Test
  void jobStopped_nextCallAsksLifecycleForTheJobsNewAddress() {
    try (FakeJobFixture job = FakeJobFixture.start();
        FakeJobFixture replacement = FakeJobFixture.start()) {
      lifecycle.permitAll(job.internalName(), Optional.empty());
      assertThat(pub.get(CALL, "X-Racetrack-Auth", "t").statusCode()).isEqualTo(200);
      job.stop();
      assertThat(pub.get(CALL, "X-Racetrack-Auth", "t").statusCode()).isEqualTo(502);
      assertThat(lifecycle.callCount()).isEqualTo(1);
      lifecycle.permitAll(replacement.internalName(), Optional.empty());

      HttpResponse<String> response = pub.get(CALL, "X-Racetrack-Auth", "t");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(lifecycle.callCount()).isEqualTo(2);
      assertThat(replacement.received()).hasSize(1);
    }
  }

  @Test
  void jobStopped_othersJobsPermitsStayCached() {
    try (FakeJobFixture job = FakeJobFixture.start();
        FakeJobFixture other = FakeJobFixture.start()) {
      lifecycle.replyWith(
          call ->
              FakeLifecycleFixture.permit(
                  call.job(),
                  "1.0.0",
                  call.job().equals("adder") ? job.internalName() : other.internalName(),
                  Optional.empty()));
      pub.get(CALL);
      pub.get("/pub/job/adder-two/1.0.0/x");
      job.stop();
      pub.get(CALL);

      pub.get("/pub/job/adder-two/1.0.0/x");

      assertThat(lifecycle.callCount()).isEqualTo(2);
    }
  }

  @Test
  void jobClosesConnectionWithoutAnswer_gives502ConnectionBroken() throws Exception {
    try (BrokenJobFixture job =
        BrokenJobFixture.start(BrokenJobFixture.Failure.CLOSE_WITHOUT_ANSWER)) {
      lifecycle.permitAll(job.internalName(), Optional.empty());

      HttpResponse<String> response = pub.get(CALL);

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(PubFixture.json(response).path("error").asText())
          .isEqualTo("Reverse proxy error: connection broken to a target job (job may have died)");
      assertThat(pub.metrics())
          .containsPattern("(?m)^pub_job_proxy_connection_broken_errors_total 1\\.0$")
          .containsPattern("(?m)^pub_job_proxy_connection_refused_errors_total 0\\.0$");
    }
  }

  @Test
  void jobDiesAfterSendingHeaders_gives502JsonWithoutTheJobsHeaders() throws Exception {
    try (BrokenJobFixture job =
        BrokenJobFixture.start(BrokenJobFixture.Failure.CLOSE_AFTER_HEADERS)) {
      lifecycle.permitAll(job.internalName(), Optional.empty());

      HttpResponse<String> response = pub.get(CALL);

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(response.headers().firstValue("X-From-Dying-Job")).isEmpty();
      assertThat(response.headers().firstValue("X-Request-Tracing-Id")).isPresent();
      JsonNode body = PubFixture.json(response);
      assertThat(body.path("error").asText()).startsWith("Reverse proxy error: ");
      assertThat(body.path("requestId").asText())
          .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
    }
  }

  @Test
  void jobFailures_areCountedInMetrics() {
    FakeJobFixture job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.empty());
    job.close();

    pub.get(CALL);
    pub.get(CALL);

    assertThat(pub.metrics())
        .containsPattern("(?m)^pub_job_proxy_errors(_total)? 2\\.0$")
        .containsPattern("(?m)^pub_job_proxy_connection_refused_errors_total 2\\.0$")
        .containsPattern("(?m)^pub_job_proxy_connection_broken_errors_total 0\\.0$")
        .containsPattern(
            "(?m)^pub_job_proxy_response_codes_total\\{job_name=\"adder\",job_version=\"1.2.3\",status_code=\"502\"} 2\\.0$");
  }
}
