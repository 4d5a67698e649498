package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Probes, metrics and unknown paths (§5.2, §5.5). */
class ProbesIT {
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

  @ParameterizedTest
  @ValueSource(strings = {"/pub", ""})
  void live_atBothPrefixes_saysLive(String prefix) {
    HttpResponse<String> response = pub.get(prefix + "/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(PubFixture.json(response).path("live").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/pub", ""})
  void ready_atBothPrefixes_saysReady(String prefix) {
    HttpResponse<String> response = pub.get(prefix + "/ready");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(PubFixture.json(response).path("ready").asBoolean()).isTrue();
  }

  @Test
  void health_reportsServiceVersionStatusAndAuth() {
    HttpResponse<String> response = pub.get("/pub/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = PubFixture.json(response);
    assertThat(body.path("service").asText()).isEqualTo("pub");
    assertThat(body.path("version").asText()).isEqualTo(PubFixture.VERSION);
    assertThat(body.path("status").asText()).isEqualTo("pass");
    assertThat(body.path("auth_required").isBoolean()).isTrue();
    assertThat(body.path("auth_required").asBoolean()).isTrue();
  }

  @Test
  void probes_neverAskLifecycle() {
    pub.get("/pub/live");
    pub.get("/pub/ready");
    pub.get("/pub/health");
    pub.get("/pub/metrics");

    assertThat(lifecycle.callCount()).isZero();
  }

  @Test
  void metrics_isPrometheusTextWithAuthAndPerJobCounters() {
    try (FakeJobFixture job = FakeJobFixture.start()) {
      lifecycle.permitAll(job.internalName(), Optional.empty());
      pub.get("/pub/job/adder/latest/x");
      pub.get("/pub/job/adder/latest/y");
      pub.get("/pub/health");

      HttpResponse<String> response = pub.get("/pub/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain");
      assertThat(response.body())
          .containsPattern("(?m)^pub_auth_successful(_total)? 2\\.0$")
          .containsPattern(
              "(?m)^pub_job_proxy_requests(_total)?\\{job_name=\"adder\",job_version=\"1.2.3\"} 2\\.0$")
          .containsPattern(
              "(?m)^pub_job_proxy_requests_done(_total)?\\{job_name=\"adder\",job_version=\"1.2.3\"} 2\\.0$")
          .containsPattern(
              "(?m)^pub_job_proxy_requests_started_total\\{job_name=\"adder\",job_version=\"1.2.3\"} 2\\.0$")
          .containsPattern(
              "(?m)^pub_job_proxy_response_codes_total\\{job_name=\"adder\",job_version=\"1.2.3\",status_code=\"200\"} 2\\.0$")
          .containsPattern(
              "(?m)^pub_job_call_response_time_seconds_count\\{job_name=\"adder\",job_version=\"1.2.3\"} 2$")
          .containsPattern("(?m)^pub_overall_job_proxy_response_time_seconds_total [0-9.E-]+$")
          .containsPattern("(?m)^pub_health_requests(_total)? 1\\.0$")
          // two paths, two permits: both asked lifecycle
          .containsPattern("(?m)^pub_lifecycle_calls_total 2\\.0$")
          .containsPattern("(?m)^pub_lifecycle_cache_retrieved_responses_total 0\\.0$")
          .contains("pub_lifecycle_call_time")
          .contains("jvm_memory_used_bytes");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/pub/nope", "/pub", "/pub/jobs/adder/1/x", "/pub/live/x"})
  void unknownPath_gives404Json(String path) {
    HttpResponse<String> response = pub.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode body = PubFixture.json(response);
    assertThat(body.path("error").asText()).isEqualTo("Not found: " + path);
    assertThat(body.path("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
    assertThat(lifecycle.callCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/pub/job/adder", "/pub/job/adder/", "/pub/job/"})
  void jobPathWithoutNameOrVersion_gives404Json(String path) {
    HttpResponse<String> response = pub.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(PubFixture.json(response).path("error").asText())
        .startsWith("Proxy request error: a job path must be");
    assertThat(lifecycle.callCount()).isZero();
  }
}
