package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.job.JobListing;
import dev.racetrack.lifecycle.job.JobScoreRepository;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The job list and the portfolio (§3.5), unpaged as the original answered them (streamed), or paged
 * when the request has {@code limit}, {@code cursor} or {@code sort}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/job}: every job the caller may read, newest first; paged: {@code {items:
 *       [job...], total, limit, sort, next_cursor}}, default sort {@code newest}.
 *   <li>{@code GET /api/v1/job/portfolio}: every query parameter named after a column is that
 *       column's filter (e.g. purge_score with the value {@code >=10}); {@code q} filters across
 *       all columns; unpaged sorted by purge score; paged default sort {@code purge_score}.
 * </ul>
 *
 * <p>Paged requests of both take the column filters. See docs/portfolio.md.
 */
public final class PortfolioRoutes implements Routes {
  private static final Set<String> PAGING = Set.of("limit", "cursor", "sort");

  private final JobPages pages;
  private final JobListing listing;
  private final RequestAuth auth;
  private final Clock clock;

  public PortfolioRoutes(JobListing listing, Clock clock, RequestAuth auth) {
    this.listing = listing;
    this.pages = new JobPages(listing, clock);
    this.auth = auth;
    this.clock = clock;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job", this::jobs);
    routes.get("/api/v1/job/portfolio", this::portfolio);
  }

  private void jobs(Context ctx) {
    Caller caller = auth.caller(ctx);
    Optional<JobPages.Request> paged = pageRequest(ctx, JobSort.NEWEST);
    if (paged.isPresent()) {
      JobPages.Page<PortfolioEntry> page = pages.page(caller, paged.get());
      ctx.json(
          new JobPages.Page<>(
              page.items().stream().map(PortfolioEntry::job).toList(),
              page.total(),
              page.limit(),
              page.sort(),
              page.nextCursor()));
      return;
    }
    listing.reader(caller);
    long now = clock.instant().getEpochSecond();
    streamArray(
        ctx,
        out ->
            listing.forEachJson(
                caller, JobScoreRepository.Order.NEWEST, now, row -> out.accept(row.json())));
  }

  private void portfolio(Context ctx) {
    Caller caller = auth.caller(ctx);
    Optional<JobPages.Request> paged = pageRequest(ctx, JobSort.PURGE_SCORE);
    if (paged.isPresent()) {
      ctx.json(pages.page(caller, paged.get()));
      return;
    }
    Map<String, String> filters = filters(ctx);
    Predicate<PortfolioEntry> filter = Portfolio.filter(filters);
    long now = clock.instant().getEpochSecond();
    Predicate<PortfolioEntry> matches = filter;
    if (!filters.isEmpty()) {
      // Filter first on the list columns, so that a filter failing (a regular expression over its
      // time budget) is answered with 400 before the answer starts.
      Set<String> matching = new HashSet<>();
      listing.forEach(
          caller,
          false,
          JobScoreRepository.Order.ANY,
          now,
          scored -> {
            if (filter.test(Portfolio.entry(scored))) {
              matching.add(scored.job().id());
            }
          });
      matches = entry -> matching.contains(entry.job().id());
    }
    Predicate<PortfolioEntry> streamed = matches;
    listing.reader(caller);
    streamArray(
        ctx,
        out ->
            listing.forEachJson(
                caller,
                JobScoreRepository.Order.PURGE_SCORE,
                now,
                row -> {
                  PortfolioEntry entry = Portfolio.entry(row.listed());
                  if (streamed.test(entry)) {
                    out.accept(Portfolio.json(entry, row.json()));
                  }
                }));
  }

  /**
   * Answers a JSON array of the JSON values given to the consumer, written as they come (never held
   * whole). Validate the request before: once the first bytes are out, a failure can only cut the
   * answer short.
   */
  private static void streamArray(Context ctx, Consumer<Consumer<byte[]>> values) {
    ctx.status(200);
    ctx.contentType("application/json");
    try (OutputStream out = new BufferedOutputStream(ctx.outputStream(), 64 * 1024)) {
      out.write('[');
      boolean[] first = {true};
      values.accept(
          json -> {
            try {
              if (!first[0]) {
                out.write(',');
              }
              first[0] = false;
              out.write(json);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      out.write(']');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the answer: " + e.getMessage(), e);
    }
  }

  /** A page request when the query has a paging parameter; empty for the unpaged answer. */
  static Optional<JobPages.Request> pageRequest(Context ctx, JobSort defaultSort) {
    Map<String, List<String>> query = ctx.queryParamMap();
    if (PAGING.stream().noneMatch(query::containsKey)) {
      return Optional.empty();
    }
    Optional<String> cursor = single(ctx, "cursor");
    JobSort sort = single(ctx, "sort").map(JobSort::fromWire).orElse(defaultSort);
    return Optional.of(
        new JobPages.Request(
            single(ctx, "limit").map(PortfolioRoutes::limit).orElse(JobPages.DEFAULT_LIMIT),
            cursor.map(PageCursor::decode),
            sort,
            filters(ctx)));
  }

  private static int limit(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ValidationException(
          "limit must be a whole number between 1 and "
              + JobPages.MAX_LIMIT
              + ", got '"
              + value
              + "'");
    }
  }

  private static Optional<String> single(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw new ValidationException(name + " may be given once, got " + values.size() + " values");
    }
    return values.stream().filter(v -> !v.isBlank()).findFirst();
  }

  /** Column filters: every other non-blank query parameter (repeated ones must all hold). */
  private static Map<String, String> filters(Context ctx) {
    Map<String, String> filters = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach(
            (name, values) -> {
              if (PAGING.contains(name)) {
                return;
              }
              List<String> nonBlank = values.stream().filter(v -> !v.isBlank()).toList();
              if (!nonBlank.isEmpty()) {
                filters.put(name, String.join("&&", nonBlank));
              }
            });
    return filters;
  }
}
