package dev.racetrack.lifecycle.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.job.ScoredJob;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reasons of the purge score (§10.5) from the parts PostgreSQL computed (the score itself is
 * checked against the database in JobPagingIT).
 */
class PortfolioScoreTest {
  private static Job job(JobStatus status) {
    return new Job(
        "id",
        "a",
        "1.0.0",
        status,
        0,
        0,
        Map.of(),
        "",
        null,
        null,
        null,
        null,
        null,
        "admin",
        null,
        "local",
        List.of(),
        "python3:1.0.0",
        Map.of());
  }

  private static PortfolioEntry entry(
      JobStatus status, double score, int newer, double updated, Optional<Double> called) {
    return Portfolio.entry(new ScoredJob(job(status), score, newer, updated, called));
  }

  @Test
  void entry_freshRunningJob_hasNoReasons_andRoundsDays() {
    PortfolioEntry entry = entry(JobStatus.RUNNING, 0, 0, 0.0416666, Optional.empty());

    assertThat(entry.purgeReasons()).isEmpty();
    assertThat(entry.updateTimeDaysAgo()).isEqualTo(0.042);
    assertThat(entry.lastCallTimeDaysAgo()).isNull();
  }

  @Test
  void entry_lostAndNeverCalled_explainsBoth() {
    PortfolioEntry entry = entry(JobStatus.LOST, 60, 0, 2, Optional.empty());

    assertThat(entry.purgeScore()).isEqualTo(60);
    assertThat(entry.purgeReasons())
        .isEqualTo(
            "Job is lost - can't be found in a cluster. It should be redeployed or removed.\n"
                + "Job seems to be unused as it was never called.");
  }

  @Test
  void entry_failing_explainsIt() {
    assertThat(entry(JobStatus.ERROR, 20, 0, 0.04, Optional.empty()).purgeReasons())
        .isEqualTo("Job is failing. It should be fixed or removed.");
  }

  @Test
  void entry_idle_saysForHowLong_butNotWhenCalledWithinADay() {
    assertThat(entry(JobStatus.RUNNING, 5, 0, 40, Optional.of(15.0)).purgeReasons())
        .isEqualTo("Job hasn't been called for 15.0 days.");
    assertThat(entry(JobStatus.RUNNING, 5, 0, 40, Optional.of(15.0)).lastCallTimeDaysAgo())
        .isEqualTo(15.0);
    assertThat(entry(JobStatus.RUNNING, 0, 0, 90, Optional.of(0.5)).purgeReasons()).isEmpty();
  }

  @Test
  void entry_newlyDeployed_isNotBlamedForNoCallsYet() {
    assertThat(entry(JobStatus.RUNNING, 0, 0, 0.5, Optional.empty()).purgeReasons()).isEmpty();
  }

  @Test
  void entry_newerVersions_areCounted() {
    assertThat(entry(JobStatus.RUNNING, 3, 3, 0, Optional.of(0.0)).purgeReasons())
        .isEqualTo("Job has 3 newer versions.");
  }
}
