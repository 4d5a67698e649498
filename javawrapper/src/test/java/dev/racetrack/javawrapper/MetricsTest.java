package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static double sample(String metrics, String line) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(line + " "))
        .map(l -> Double.parseDouble(l.substring(line.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + line + " in\n" + metrics));
  }

  @Test
  void metrics_countJobCallsButNotProbes() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      String before = job.get("/metrics").body();
      assertThat(sample(before, "requests_started_total")).isZero();
      assertThat(sample(before, "last_call_timestamp")).isZero();
      assertThat(before).contains("last_call_timestamp 0\n");

      job.perform("{\"numbers\": [1]}");
      job.perform("{\"numbers\": \"x\"}");
      job.get("/live");
      job.get("/health");
      HttpResponse<String> response = job.get("/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      String metrics = response.body();
      assertThat(sample(metrics, "requests_started_total")).isEqualTo(2);
      assertThat(sample(metrics, "requests_done_total")).isEqualTo(2);
      assertThat(sample(metrics, "endpoint_requests_started_total{endpoint=\"/perform\"}"))
          .isEqualTo(2);
      assertThat(sample(metrics, "request_duration_seconds_count{endpoint=\"/perform\"}"))
          .isEqualTo(2);
      assertThat(
              sample(metrics, "request_duration_seconds_bucket{endpoint=\"/perform\",le=\"+Inf\"}"))
          .isEqualTo(2);
      assertThat(metrics).contains("# TYPE request_duration_seconds histogram");
      assertThat(metrics).doesNotContain("request_internal_errors_total{");
      assertThat(sample(metrics, "last_call_timestamp"))
          .isCloseTo(System.currentTimeMillis() / 1000.0, within(60.0));
    }
  }

  @Test
  void metrics_countInternalErrors() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Failing.class)) {
      job.perform("{}");

      String metrics = job.get("/metrics").body();

      assertThat(sample(metrics, "request_internal_errors_total{endpoint=\"/perform\"}"))
          .isEqualTo(1);
    }
  }

  @Test
  void metrics_includeJobGaugesAndSkipInvalidOnes() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.WithMetrics.class)) {
      String metrics = job.get("/metrics").body();

      assertThat(metrics)
          .contains(
              "# HELP job_queue_size Items waiting\n# TYPE job_queue_size gauge\njob_queue_size 7\n")
          .contains("job_temperature{room=\"a\\\"1\"} 21.5\n")
          .doesNotContain("job_skipped")
          .doesNotContain("bad name");
    }
  }

  @Test
  void render_lastCallTimestampFromClock() {
    JobMetrics metrics =
        new JobMetrics(
            Clock.fixed(Instant.ofEpochSecond(1_700_000_123, 500_000_000), ZoneOffset.UTC));

    metrics.callStarted("/perform");
    metrics.callDone("/perform", 0.02, false);
    String text = metrics.render(List.of(new CustomGauge("jobs", 3, "", Map.of())));

    assertThat(text)
        .contains("last_call_timestamp 1700000123.5\n")
        .contains("request_duration_seconds_bucket{endpoint=\"/perform\",le=\"0.01\"} 0\n")
        .contains("request_duration_seconds_bucket{endpoint=\"/perform\",le=\"0.025\"} 1\n")
        .contains("request_duration_seconds_sum{endpoint=\"/perform\"} 0.02\n")
        .endsWith("jobs 3\n");
  }

  @Test
  void render_processMetricsOfThisJvm() throws IOException {
    String text = new JobMetrics(Clock.systemUTC()).render(List.of());

    assertThat(text)
        .containsPattern("(?m)^process_cpu_seconds_total [0-9.]+$")
        .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} [1-9][0-9]*$")
        .contains(
            "process_start_time_seconds "
                + JobMetrics.number(
                    ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli()
                        / 1000.0))
        .doesNotContain("area=\"nonheap\"");
    // the JVM's own clock of its start agrees with the process's, to the kernel's tick
    double start = Double.parseDouble(sampleValue(text, "process_start_time_seconds"));
    assertThat(start * 1000)
        .isCloseTo(ManagementFactory.getRuntimeMXBean().getStartTime(), within(2_000.0));
    long rss = Long.parseLong(sampleValue(text, "process_resident_memory_bytes"));
    String status = Files.readString(Path.of("/proc/self/status"));
    long kernelRss = Long.parseLong(status.replaceAll("(?s).*VmRSS:\\s+(\\d+) kB.*", "$1")) * 1024;
    assertThat(rss).isCloseTo(kernelRss, within(64L * 1024 * 1024));
  }

  /** The value of the unlabelled sample {@code name} in a Prometheus text exposition. */
  private static String sampleValue(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + " in:\n" + text))
        .split(" ")[1];
  }
}
