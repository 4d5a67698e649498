package dev.racetrack.lifecycle.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The purge score of §10.5: status, idleness and newer versions, with their reasons. */
class PortfolioScoreTest {
  private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond();
  private static final long DAY = 86_400;
  private final Portfolio portfolio =
      new Portfolio(null, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private static Job job(String name, String version, JobStatus status, long updated, Long call) {
    return new Job(
        name + "-" + version,
        name,
        version,
        status,
        updated,
        updated,
        Map.of(),
        "",
        null,
        null,
        null,
        null,
        null,
        "admin",
        call,
        "local",
        List.of(),
        "python3:1.0.0",
        Map.of());
  }

  private PortfolioEntry only(Job job) {
    return portfolio.score(List.of(job)).getFirst();
  }

  @Test
  void freshRunningJob_scoresZero() {
    PortfolioEntry entry = only(job("a", "1.0.0", JobStatus.RUNNING, NOW - 3600, null));

    assertThat(entry.purgeScore()).isZero();
    assertThat(entry.purgeReasons()).isEmpty();
    assertThat(entry.updateTimeDaysAgo().doubleValue()).isEqualTo(0.042);
    assertThat(entry.lastCallTimeDaysAgo()).isNull();
  }

  @Test
  void lostJob_neverCalled_scores60() {
    PortfolioEntry entry = only(job("a", "1.0.0", JobStatus.LOST, NOW - 2 * DAY, null));

    assertThat(entry.purgeScore()).isEqualTo(60);
    assertThat(entry.purgeReasons())
        .isEqualTo(
            "Job is lost - can't be found in a cluster. It should be redeployed or removed.\n"
                + "Job seems to be unused as it was never called.");
  }

  @Test
  void failingJob_scores20() {
    PortfolioEntry entry = only(job("a", "1.0.0", JobStatus.ERROR, NOW - 3600, null));

    assertThat(entry.purgeScore()).isEqualTo(20);
    assertThat(entry.purgeReasons()).isEqualTo("Job is failing. It should be fixed or removed.");
  }

  @Test
  void idleJob_scoresLinearlyUpTo10At30Days() {
    PortfolioEntry fifteen =
        only(job("a", "1.0.0", JobStatus.RUNNING, NOW - 40 * DAY, NOW - 15 * DAY));
    PortfolioEntry sixty =
        only(job("a", "1.0.0", JobStatus.RUNNING, NOW - 90 * DAY, NOW - 60 * DAY));
    PortfolioEntry yesterday =
        only(job("a", "1.0.0", JobStatus.RUNNING, NOW - 90 * DAY, NOW - DAY / 2));

    assertThat(fifteen.purgeScore()).isEqualTo(5);
    assertThat(fifteen.purgeReasons()).isEqualTo("Job hasn't been called for 15.0 days.");
    assertThat(fifteen.lastCallTimeDaysAgo().doubleValue()).isEqualTo(15);
    assertThat(sixty.purgeScore()).isEqualTo(10);
    assertThat(yesterday.purgeScore()).isZero();
  }

  @Test
  void newlyDeployedJob_isNotPenalisedForNoCallsYet() {
    assertThat(only(job("a", "1.0.0", JobStatus.RUNNING, NOW - DAY / 2, null)).purgeScore())
        .isZero();
  }

  @Test
  void newerVersions_addUpTo5_preReleasesRankBelowTheRelease() {
    List<Job> family =
        List.of(
            job("a", "1.0.0", JobStatus.RUNNING, NOW, NOW),
            job("a", "1.1.0", JobStatus.RUNNING, NOW, NOW),
            job("a", "2.0.0-rc1", JobStatus.RUNNING, NOW, NOW),
            job("a", "2.0.0", JobStatus.RUNNING, NOW, NOW),
            job("b", "9.0.0", JobStatus.RUNNING, NOW, NOW));

    Map<String, PortfolioEntry> byVersion =
        portfolio.score(family).stream()
            .filter(e -> e.job().name().equals("a"))
            .collect(Collectors.toMap(e -> e.job().version(), e -> e));

    assertThat(byVersion.get("1.0.0").purgeNewerVersions()).isEqualTo(3);
    assertThat(byVersion.get("1.0.0").purgeScore()).isEqualTo(3);
    assertThat(byVersion.get("1.0.0").purgeReasons()).isEqualTo("Job has 3 newer versions.");
    assertThat(byVersion.get("2.0.0-rc1").purgeNewerVersions()).isEqualTo(1);
    assertThat(byVersion.get("2.0.0").purgeScore()).isZero();
  }
}
