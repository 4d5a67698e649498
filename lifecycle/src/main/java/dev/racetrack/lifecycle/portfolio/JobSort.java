package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.model.Job;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.version.SemVer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;

/** The orders a page of jobs can be sorted in; ties go by name, then newest version first. */
public enum JobSort {
  /** Last deployed first (the order of the unpaged job list). */
  NEWEST(e -> position(e, -e.job().updateTime(), ""), "-" + Sql.UPDATED, "''"),
  /** Last deployed last. */
  OLDEST(e -> position(e, e.job().updateTime(), ""), Sql.UPDATED, "''"),
  /** By name, then newest version first. */
  NAME(e -> position(e, 0, ""), "0", "''"),
  /** By status (alphabetically), then name. */
  STATUS(e -> position(e, 0, e.job().status().wireName()), "0", "s.status"),
  /** Best candidate for removal first (the order of the unpaged portfolio). */
  PURGE_SCORE(e -> position(e, -e.purgeScore(), ""), "-s.purge_score", "''"),
  /** Most recently called first, never called last. */
  LAST_CALL(
      e ->
          position(
              e, e.job().lastCallTime() == null ? Long.MAX_VALUE : -e.job().lastCallTime(), ""),
      "CASE WHEN s.last_call_time IS NULL THEN 9223372036854775807 ELSE -" + Sql.CALLED + " END",
      "''");

  /**
   * SQL over a page row: epoch seconds as Java's {@code Instant.getEpochSecond()}, in double
   * precision (a whole number of seconds is exact; NUMERIC from {@code EXTRACT} is slow per row).
   */
  private static final class Sql {
    static final String UPDATED = "DATE_PART('epoch', DATE_TRUNC('second', s.update_time))";
    static final String CALLED = "DATE_PART('epoch', DATE_TRUNC('second', s.last_call_time))";
  }

  /**
   * Where a row falls: a number and a text that sort ascending (descending sorts negate the
   * number), then the job's name and version. Names and versions are unique together, so this is a
   * total order and a cursor can hold the position of the last row of a page.
   */
  public record Position(double number, String text, String name, String version)
      implements Comparable<Position> {
    private static final Comparator<Position> ORDER =
        Comparator.comparingDouble(Position::number)
            .thenComparing(Position::text)
            .thenComparing(Position::name)
            .thenComparing(Position::version, (a, b) -> SemVer.compareText(b, a))
            .thenComparing(Position::version, Comparator.reverseOrder());

    @Override
    public int compareTo(Position other) {
      return ORDER.compare(this, other);
    }
  }

  private final Function<PortfolioEntry, Position> position;
  private final String sqlNumber;
  private final String sqlText;

  JobSort(Function<PortfolioEntry, Position> position, String sqlNumber, String sqlText) {
    this.position = position;
    this.sqlNumber = "CAST(" + sqlNumber + " AS DOUBLE PRECISION)";
    this.sqlText = sqlText;
  }

  /** The position's number as SQL over a page row (the same value as {@link #of}). */
  String sqlNumber() {
    return sqlNumber;
  }

  /** The position's text as SQL over a page row. */
  String sqlText() {
    return sqlText;
  }

  public Position of(PortfolioEntry entry) {
    return position.apply(entry);
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws ValidationException naming the value and the sorts there are
   */
  public static JobSort fromWire(String value) {
    return Arrays.stream(values())
        .filter(s -> s.wireName().equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                new ValidationException(
                    "sort must be one of "
                        + Arrays.stream(values()).map(JobSort::wireName).toList()
                        + ", got '"
                        + value
                        + "'"));
  }

  private static Position position(PortfolioEntry e, double number, String text) {
    Job job = e.job();
    return new Position(number, text, job.name(), job.version());
  }
}
