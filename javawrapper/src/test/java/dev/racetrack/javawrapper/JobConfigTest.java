package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  @Test
  void fromEnv_withOnlyRequiredVariables_usesDefaults() {
    JobConfig config = JobConfig.fromEnv(Map.of("JOB_NAME", "adder", "JOB_VERSION", "1.0.0"));

    assertThat(config.httpAddr()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isEqualTo(7000);
    assertThat(config.deploymentTimestamp()).isZero();
    assertThat(config.maxBodyBytes()).isEqualTo(10_485_760);
    assertThat(config.basePath()).isEqualTo("/pub/job/adder/1.0.0");
    assertThat(config.build()).isEqualTo(new JobConfig.BuildInfo("", "", ""));
    assertThat(config.calls())
        .isEqualTo(
            new JobCallConfig(
                "", "", "X-Request-Tracing-Id", "X-Caller-Name", Duration.ofSeconds(10)));
  }

  @Test
  void fromEnv_readsEverything() {
    JobConfig config =
        JobConfig.fromEnv(
            Map.ofEntries(
                Map.entry("JOB_NAME", "adder"),
                Map.entry("JOB_VERSION", "1.0.0"),
                Map.entry("JOB_DEPLOYMENT_TIMESTAMP", "1700000000"),
                Map.entry("JOB_HTTP_ADDR", "127.0.0.1"),
                Map.entry("JOB_HTTP_PORT", "7123"),
                Map.entry("JOB_MAX_BODY_BYTES", "2048"),
                Map.entry("PUB_URL", "http://127.0.0.1:7205/pub/"),
                Map.entry("AUTH_TOKEN", "secret"),
                Map.entry("REQUEST_TRACING_HEADER", "X-Trace"),
                Map.entry("CALLER_NAME_HEADER", "X-Caller"),
                Map.entry("GIT_VERSION", "abc"),
                Map.entry("JOB_TYPE_VERSION", "java:1"),
                Map.entry("DEPLOYED_BY_RACETRACK_VERSION", "2.36.0")));

    assertThat(config.deploymentTimestamp()).isEqualTo(1_700_000_000L);
    assertThat(config.httpAddr()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(7123);
    assertThat(config.maxBodyBytes()).isEqualTo(2048);
    assertThat(config.calls().pubUrl()).isEqualTo("http://127.0.0.1:7205/pub");
    assertThat(config.calls().authToken()).isEqualTo("secret");
    assertThat(config.calls().tracingHeader()).isEqualTo("X-Trace");
    assertThat(config.calls().callerHeader()).isEqualTo("X-Caller");
    assertThat(config.build()).isEqualTo(new JobConfig.BuildInfo("java:1", "abc", "2.36.0"));
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void fromEnv_withoutJobVersion_failsNamingIt() {
    assertThatThrownBy(() -> JobConfig.fromEnv(Map.of("JOB_NAME", "adder")))
        .isInstanceOf(JobConfigException.class)
        .hasMessageContaining("JOB_VERSION");
  }

  @Test
  void fromEnv_withBadNumbers_failsNamingTheVariable() {
    assertThatThrownBy(
            () ->
                JobConfig.fromEnv(
                    Map.of("JOB_NAME", "a", "JOB_VERSION", "1", "JOB_HTTP_PORT", "seventy")))
        .isInstanceOf(JobConfigException.class)
        .hasMessageContaining("JOB_HTTP_PORT");
    assertThatThrownBy(
            () ->
                JobConfig.fromEnv(
                    Map.of("JOB_NAME", "a", "JOB_VERSION", "1", "JOB_DEPLOYMENT_TIMESTAMP", "-1")))
        .isInstanceOf(JobConfigException.class)
        .hasMessageContaining("JOB_DEPLOYMENT_TIMESTAMP");
  }

  @Test
  void fromEnv_callTimeout_isReadInSecondsAndAbsentByDefault() {
    assertThat(JobConfig.fromEnv(Map.of("JOB_NAME", "a", "JOB_VERSION", "1")).callTimeout())
        .isEmpty();
    assertThat(
            JobConfig.fromEnv(Map.of("JOB_NAME", "a", "JOB_VERSION", "1", "JOB_CALL_TIMEOUT", "90"))
                .callTimeout())
        .hasValue(Duration.ofSeconds(90));
    assertThatThrownBy(
            () ->
                JobConfig.fromEnv(
                    Map.of("JOB_NAME", "a", "JOB_VERSION", "1", "JOB_CALL_TIMEOUT", "-5")))
        .isInstanceOf(JobConfigException.class)
        .hasMessageContaining("JOB_CALL_TIMEOUT");
  }
}
