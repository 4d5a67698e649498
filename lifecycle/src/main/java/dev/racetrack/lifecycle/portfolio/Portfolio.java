package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.lifecycle.job.ScoredJob;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The portfolio of jobs with their purge score (§10.5, computed in SQL), filtered per column on the
 * server with the admin guide's operators (see {@link ColumnFilter} and docs/portfolio.md).
 */
public final class Portfolio {
  static final Duration REGEX_BUDGET = Duration.ofMillis(500);

  /** A filterable column: how it compares and what a cell holds. */
  private record Column(ColumnFilter.Type type, Function<PortfolioEntry, ColumnFilter.Cell> cell) {}

  /** The filterable columns, by query parameter name. */
  static final Map<String, Column> COLUMNS = columns();

  private Portfolio() {}

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
   * Parses the column filters of a request into one test (all must hold).
   *
   * @param filters column name → expression; {@code q} filters across every column
   * @throws ValidationException naming the column of a malformed filter or an unknown column
   */
  public static Predicate<PortfolioEntry> filter(Map<String, String> filters) {
    RegexBudget budget = new RegexBudget(REGEX_BUDGET);
    List<Predicate<PortfolioEntry>> tests = new ArrayList<>();
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
    return e -> tests.stream().allMatch(t -> t.test(e));
  }

  /** The score part of a portfolio entry's JSON (the job's fields come first). */
  private record Score(
      double purgeScore,
      String purgeReasons,
      int purgeNewerVersions,
      @Nullable Double updateTimeDaysAgo,
      @Nullable Double lastCallTimeDaysAgo) {}

  /**
   * The JSON of a portfolio entry (as {@link PortfolioEntry} serialises) from its job's JSON object
   * (built by PostgreSQL) and its score fields.
   */
  static byte[] json(PortfolioEntry entry, byte[] jobJson) {
    if (jobJson.length < 2 || jobJson[jobJson.length - 1] != '}') {
      throw new IllegalArgumentException("not a JSON object: " + entry.job().id());
    }
    byte[] score =
        Json.writeBytes(
            new Score(
                entry.purgeScore(),
                entry.purgeReasons(),
                entry.purgeNewerVersions(),
                entry.updateTimeDaysAgo(),
                entry.lastCallTimeDaysAgo()));
    boolean emptyJob = jobJson.length == 2;
    byte[] joined = new byte[jobJson.length - 1 + (emptyJob ? 0 : 1) + score.length - 1];
    System.arraycopy(jobJson, 0, joined, 0, jobJson.length - 1);
    int at = jobJson.length - 1;
    if (!emptyJob) {
      joined[at++] = ',';
    }
    System.arraycopy(score, 1, joined, at, score.length - 1);
    return joined;
  }

  /**
   * A scored job with the reasons of its score (§10.5): lost +50 or error +20; unused or idle up to
   * +10; newer versions up to +5.
   */
  public static PortfolioEntry entry(ScoredJob scored) {
    Job job = scored.job();
    List<String> reasons = new ArrayList<>();
    if (job.status() == JobStatus.LOST) {
      reasons.add("Job is lost - can't be found in a cluster. It should be redeployed or removed.");
    } else if (job.status() == JobStatus.ERROR) {
      reasons.add("Job is failing. It should be fixed or removed.");
    }
    if (scored.updatedDaysAgo() >= 1) {
      if (scored.lastCallDaysAgo().isEmpty()) {
        reasons.add("Job seems to be unused as it was never called.");
      } else if (scored.lastCallDaysAgo().get() > 1) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "Job hasn't been called for %.1f days.",
                scored.lastCallDaysAgo().get()));
      }
    }
    if (scored.newerVersions() > 0) {
      reasons.add("Job has " + scored.newerVersions() + " newer versions.");
    }
    return new PortfolioEntry(
        job,
        scored.purgeScore(),
        String.join("\n", reasons),
        scored.newerVersions(),
        round(scored.updatedDaysAgo()),
        scored.lastCallDaysAgo().map(Portfolio::round).orElse(null));
  }

  private static double round(double days) {
    return Math.round(days * 1000) / 1000.0;
  }
}
