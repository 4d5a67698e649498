package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.version.SemVer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The portfolio of jobs with their purge score (§10.5), filtered per column on the server with the
 * admin guide's operators (see {@link ColumnFilter} and docs/portfolio.md).
 */
public final class Portfolio {
  private static final double DAY = 86_400;
  private static final Duration REGEX_BUDGET = Duration.ofMillis(500);

  /** A filterable column: how it compares and what a cell holds. */
  private record Column(ColumnFilter.Type type, Function<PortfolioEntry, ColumnFilter.Cell> cell) {}

  /** The filterable columns, by query parameter name. */
  static final Map<String, Column> COLUMNS = columns();

  private final Jobs jobs;
  private final Clock clock;

  public Portfolio(Jobs jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  private static Map<String, Column> columns() {
    Map<String, Column> c = new LinkedHashMap<>();
    c.put("name", text(e -> e.job().name()));
    c.put("version", text(e -> e.job().version()));
    c.put("status", text(e -> e.job().status().wireName().toUpperCase(Locale.ROOT)));
    c.put("job_type_version", text(e -> e.job().jobTypeVersion()));
    c.put("deployed_by", text(e -> e.job().deployedBy()));
    c.put("update_time_days_ago", number(PortfolioEntry::updateTimeDaysAgo));
    c.put("last_call_time_days_ago", number(PortfolioEntry::lastCallTimeDaysAgo));
    c.put("purge_reasons", text(PortfolioEntry::purgeReasons));
    c.put("purge_score", number(PortfolioEntry::purgeScore));
    c.put("purge_newer_versions", number(PortfolioEntry::purgeNewerVersions));
    c.put(
        "last_call_time",
        new Column(ColumnFilter.Type.DATE, e -> ColumnFilter.Cell.date(e.job().lastCallTime())));
    c.put(
        "update_time",
        new Column(ColumnFilter.Type.DATE, e -> ColumnFilter.Cell.date(e.job().updateTime())));
    c.put(
        "create_time",
        new Column(ColumnFilter.Type.DATE, e -> ColumnFilter.Cell.date(e.job().createTime())));
    c.put("infrastructure_target", text(e -> e.job().infrastructureTarget()));
    return Map.copyOf(c);
  }

  private static Column text(Function<PortfolioEntry, String> value) {
    return new Column(ColumnFilter.Type.TEXT, e -> ColumnFilter.Cell.of(value.apply(e)));
  }

  private static Column number(Function<PortfolioEntry, Number> value) {
    return new Column(ColumnFilter.Type.NUMBER, e -> ColumnFilter.Cell.of(value.apply(e)));
  }

  /**
   * The jobs the caller may read, scored, filtered and sorted by purge score (highest first).
   *
   * @param filters column name → expression; {@code q} filters across every column
   */
  public List<PortfolioEntry> list(Caller caller, Map<String, String> filters) {
    RegexBudget budget = new RegexBudget(REGEX_BUDGET);
    List<Function<PortfolioEntry, Boolean>> tests = new ArrayList<>();
    filters.forEach(
        (column, expression) -> {
          if (column.equals("q")) {
            ColumnFilter any = ColumnFilter.parse(expression, ColumnFilter.Type.TEXT, "q", budget);
            tests.add(e -> COLUMNS.values().stream().anyMatch(c -> any.test(c.cell().apply(e))));
            return;
          }
          Column col = COLUMNS.get(column);
          if (col == null) {
            throw new ValidationException(
                "unknown portfolio column '"
                    + column
                    + "'; columns: "
                    + COLUMNS.keySet().stream().sorted().toList()
                    + " and q");
          }
          ColumnFilter filter = ColumnFilter.parse(expression, col.type(), column, budget);
          tests.add(e -> filter.test(col.cell().apply(e)));
        });
    return score(jobs.list(caller)).stream()
        .filter(e -> tests.stream().allMatch(t -> t.apply(e)))
        .sorted(
            Comparator.comparingDouble(PortfolioEntry::purgeScore)
                .reversed()
                .thenComparing(e -> e.job().name()))
        .toList();
  }

  /**
   * Scores every job (§10.5): lost +50 or error +20; unused or idle up to +10; newer versions up to
   * +5.
   */
  List<PortfolioEntry> score(List<Job> all) {
    double now = clock.instant().getEpochSecond();
    List<PortfolioEntry> entries = new ArrayList<>();
    for (Job job : all) {
      double score = 0;
      List<String> reasons = new ArrayList<>();
      if (job.status() == JobStatus.LOST) {
        score += 50;
        reasons.add(
            "Job is lost - can't be found in a cluster. It should be redeployed or removed.");
      } else if (job.status() == JobStatus.ERROR) {
        score += 20;
        reasons.add("Job is failing. It should be fixed or removed.");
      }
      double updatedDaysAgo = (now - job.updateTime()) / DAY;
      Double lastCallDaysAgo =
          Optional.ofNullable(job.lastCallTime())
              .filter(t -> t > 0)
              .map(t -> (now - t) / DAY)
              .orElse(null);
      if (updatedDaysAgo >= 1) {
        if (lastCallDaysAgo == null) {
          score += 10;
          reasons.add("Job seems to be unused as it was never called.");
        } else if (lastCallDaysAgo > 1) {
          score += 10 * Math.min(1, lastCallDaysAgo / 30);
          reasons.add(
              String.format(Locale.ROOT, "Job hasn't been called for %.1f days.", lastCallDaysAgo));
        }
      }
      int newer = newerVersions(job, all);
      if (newer > 0) {
        score += 5 * Math.min(1, newer / 5.0);
        reasons.add("Job has " + newer + " newer versions.");
      }
      entries.add(
          new PortfolioEntry(
              job,
              Math.round(score * 1000) / 1000.0,
              String.join("\n", reasons),
              newer,
              round(updatedDaysAgo),
              lastCallDaysAgo == null ? null : round(lastCallDaysAgo)));
    }
    return entries;
  }

  private static int newerVersions(Job job, List<Job> all) {
    Optional<SemVer> version = SemVer.tryParse(job.version());
    if (version.isEmpty()) {
      return 0;
    }
    return (int)
        all.stream()
            .filter(other -> other.name().equals(job.name()))
            .map(other -> SemVer.tryParse(other.version()))
            .flatMap(Optional::stream)
            .filter(other -> other.compareTo(version.get()) > 0)
            .count();
  }

  private static double round(double days) {
    return Math.round(days * 1000) / 1000.0;
  }
}
