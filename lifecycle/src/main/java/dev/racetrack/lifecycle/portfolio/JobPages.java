package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.job.JobListing;
import dev.racetrack.lifecycle.job.JobScoreRepository;
import dev.racetrack.lifecycle.job.ScoredJob;
import dev.racetrack.model.error.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Pages of the jobs a caller may read, sorted and filtered on the server (the portfolio's column
 * filters, docs/portfolio.md): one pass over the list columns of the readable jobs (scored by
 * PostgreSQL), keeping only the rows after the cursor, then the whole rows of the page's jobs.
 */
public final class JobPages {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 100;

  /** What page to answer. */
  public record Request(
      int limit, Optional<PageCursor> cursor, JobSort sort, Map<String, String> filters) {
    public Request {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new ValidationException(
            "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
      if (cursor.isPresent() && cursor.get().sort() != sort) {
        throw new ValidationException(
            "the cursor belongs to sort="
                + cursor.get().sort().wireName()
                + ", not sort="
                + sort.wireName()
                + "; keep the sort while following cursors");
      }
      filters = Map.copyOf(filters);
    }
  }

  /**
   * A page.
   *
   * @param total how many rows match the filters (on every page)
   * @param nextCursor where the next page starts; empty on the last page
   */
  public record Page<T>(
      List<T> items, long total, int limit, String sort, Optional<String> nextCursor) {}

  private record Found(JobSort.Position position, String id) {}

  private final JobListing listing;
  private final Clock clock;

  public JobPages(JobListing listing, Clock clock) {
    this.listing = listing;
    this.clock = clock;
  }

  /**
   * A page of portfolio entries (jobs with their purge score and reasons): filtered, counted,
   * sorted and cut by PostgreSQL when every filter has an SQL form ({@link FilterSql}), else in
   * Java.
   */
  public Page<PortfolioEntry> page(Caller caller, Request request) {
    Predicate<PortfolioEntry> filter = Portfolio.filter(request.filters()); // validates them
    long asOf = request.cursor().map(PageCursor::asOf).orElse(clock.instant().getEpochSecond());
    Optional<String> reader = listing.reader(caller);
    Optional<FilterSql> sql = FilterSql.of(request.filters());
    if (sql.isPresent()) {
      Optional<Page<PortfolioEntry>> page = sqlPage(reader, request, sql.get(), asOf);
      if (page.isPresent()) {
        return page.get();
      }
    }
    return javaPage(caller, request, filter, asOf);
  }

  private Optional<Page<PortfolioEntry>> sqlPage(
      Optional<String> reader, Request request, FilterSql sql, long asOf) {
    JobSort sort = request.sort();
    JobScoreRepository.PageQuery query =
        new JobScoreRepository.PageQuery(
            reader,
            asOf,
            sql.where(),
            sql.binds(),
            sort.sqlNumber(),
            sort.sqlText(),
            request
                .cursor()
                .map(PageCursor::after)
                .map(
                    a ->
                        new JobScoreRepository.PageRow(
                            "", a.number(), a.text(), a.name(), a.version())),
            request.limit(),
            sql.regexColumn().isPresent() ? Portfolio.REGEX_BUDGET : Duration.ZERO);
    Optional<JobScoreRepository.PageRows> rows;
    try {
      rows = listing.page(query);
    } catch (JobScoreRepository.PageTimeoutException e) {
      throw new ValidationException(
          "filter of "
              + sql.regexColumn().orElse("the page")
              + ": the regular expression takes too long to evaluate (over "
              + Portfolio.REGEX_BUDGET.toMillis()
              + " ms); simplify it");
    }
    return rows.map(r -> sqlPage(r, request, asOf));
  }

  private Page<PortfolioEntry> sqlPage(
      JobScoreRepository.PageRows rows, Request request, long asOf) {
    List<JobScoreRepository.PageRow> page =
        rows.rows().subList(0, Math.min(request.limit(), rows.rows().size()));
    List<PortfolioEntry> items =
        listing.whole(page.stream().map(JobScoreRepository.PageRow::id).toList(), asOf).stream()
            .map(Portfolio::entry)
            .toList();
    Optional<String> next = Optional.empty();
    if (rows.rows().size() > page.size()) {
      JobScoreRepository.PageRow last = page.getLast();
      JobSort.Position position =
          new JobSort.Position(last.sortNumber(), last.sortText(), last.name(), last.version());
      next = Optional.of(new PageCursor(request.sort(), asOf, position).encode());
    }
    return new Page<>(items, rows.total(), request.limit(), request.sort().wireName(), next);
  }

  /** The page filtered and sorted in Java, over the list columns of every readable job. */
  private Page<PortfolioEntry> javaPage(
      Caller caller, Request request, Predicate<PortfolioEntry> filter, long asOf) {
    Optional<JobSort.Position> after = request.cursor().map(PageCursor::after);
    long[] total = {0};
    List<Found> rest = new ArrayList<>();
    boolean filtered = !request.filters().isEmpty();
    listing.forEach(
        caller,
        false,
        JobScoreRepository.Order.ANY,
        asOf,
        scored -> {
          PortfolioEntry entry = filtered ? Portfolio.entry(scored) : bare(scored);
          if (!filter.test(entry)) {
            return;
          }
          total[0]++;
          JobSort.Position position = request.sort().of(entry);
          if (after.isEmpty() || position.compareTo(after.get()) > 0) {
            rest.add(new Found(position, scored.job().id()));
          }
        });
    rest.sort(Comparator.comparing(Found::position));
    List<Found> page = rest.subList(0, Math.min(request.limit(), rest.size()));
    List<PortfolioEntry> items =
        listing.whole(page.stream().map(Found::id).toList(), asOf).stream()
            .map(Portfolio::entry)
            .toList();
    Optional<String> next =
        rest.size() > page.size()
            ? Optional.of(new PageCursor(request.sort(), asOf, page.getLast().position()).encode())
            : Optional.empty();
    return new Page<>(items, total[0], request.limit(), request.sort().wireName(), next);
  }

  /** An entry for sorting only: the reasons are left out (no filter needs them). */
  private static PortfolioEntry bare(ScoredJob scored) {
    return new PortfolioEntry(
        scored.job(), scored.purgeScore(), "", scored.newerVersions(), null, null);
  }
}
