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
  NEWEST(e -> position(e, -e.job().updateTime(), "")),
  /** Last deployed last. */
  OLDEST(e -> position(e, e.job().updateTime(), "")),
  /** By name, then newest version first. */
  NAME(e -> position(e, 0, "")),
  /** By status (alphabetically), then name. */
  STATUS(e -> position(e, 0, e.job().status().wireName())),
  /** Best candidate for removal first (the order of the unpaged portfolio). */
  PURGE_SCORE(e -> position(e, -e.purgeScore(), "")),
  /** Most recently called first, never called last. */
  LAST_CALL(
      e ->
          position(
              e, e.job().lastCallTime() == null ? Long.MAX_VALUE : -e.job().lastCallTime(), ""));

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
            .thenComparing(Position::version, (a, b) -> SemVer.compareText(b, a));

    @Override
    public int compareTo(Position other) {
      return ORDER.compare(this, other);
    }
  }

  private final Function<PortfolioEntry, Position> position;

  JobSort(Function<PortfolioEntry, Position> position) {
    this.position = position;
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
