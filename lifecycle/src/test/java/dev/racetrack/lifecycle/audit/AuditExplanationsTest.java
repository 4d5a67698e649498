package dev.racetrack.lifecycle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The explanation texts of §3.10 and the friendly "time ago". */
class AuditExplanationsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource({
    "0, just now",
    "9, just now",
    "10, 10 seconds ago",
    "59, 59 seconds ago",
    "60, a minute ago",
    "119, a minute ago",
    "120, 2 minutes ago",
    "3599, 59 minutes ago",
    "3600, an hour ago",
    "7200, 2 hours ago",
    "86399, 23 hours ago",
    "86400, yesterday",
    "172800, 2 days ago",
    "604800, a week ago",
    "1209600, 2 weeks ago",
    "2592000, a month ago",
    "5184000, 2 months ago",
    "31536000, a year ago",
    "94608000, 3 years ago",
    "-30, just now"
  })
  void timeAgo(long secondsAgo, String expected) {
    assertThat(AuditExplanations.timeAgo(NOW.minus(Duration.ofSeconds(secondsAgo)), NOW))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          job_deployed       | Job adder 1.0.0 deployed by bob
          job_redeployed     | Job adder 1.0.0 (owned by alice) redeployed by bob
          job_deleted        | Job adder 1.0.0 (owned by alice) deleted by bob
          job_moved          | Job adder 1.0.0 (owned by alice) moved by bob from local to local-b
          deployment_failed  | Failed deployment of a job adder 1.0.0, attempted by bob
          """)
  void jobEvents(String type, String expected) {
    Map<String, Object> properties =
        type.equals("job_moved") ? Map.of("from", "local", "to", "local-b") : Map.of();
    assertThat(AuditExplanations.explain(type, "bob", "alice", "adder", "1.0.0", properties))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plugin_installed   | Plugin python3 3.0.0 installed by racetrack
          plugin_uninstalled | Plugin python3 3.0.0 uninstalled by racetrack
          """)
  void pluginEvents(String type, String expected) {
    assertThat(
            AuditExplanations.explain(
                type,
                "racetrack",
                null,
                null,
                null,
                Map.of("plugin_name", "python3", "plugin_version", "3.0.0")))
        .isEqualTo(expected);
  }

  @Test
  void reprovision_isExplainedAsSuch() {
    assertThat(
            AuditExplanations.explain(
                AuditLog.JOB_REDEPLOYED,
                "bob",
                "alice",
                "adder",
                "1.0.0",
                Map.of("mode", "reprovision")))
        .isEqualTo("Job adder 1.0.0 (owned by alice) reprovisioned by bob");
  }
}
