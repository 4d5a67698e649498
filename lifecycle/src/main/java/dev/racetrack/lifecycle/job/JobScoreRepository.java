package dev.racetrack.lifecycle.job;

import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads jobs with their purge score (§10.5) computed by PostgreSQL at a given instant, streamed row
 * by row (a cursor in a read-only transaction), so that no listing holds every job in memory.
 */
public final class JobScoreRepository {
  /** The order rows are streamed in. */
  public enum Order {
    /** The original's order of {@code GET /api/v1/job}: update time, newest first, then name. */
    NEWEST("j.update_time DESC, j.name"),
    /** The portfolio's order: purge score, highest first, then name, then newest. */
    PURGE_SCORE("purge_score DESC, j.name COLLATE \"C\", j.update_time DESC"),
    /** By family (name), then newest first: a family's versions come together. */
    FAMILY("j.name COLLATE \"C\", j.update_time DESC"),
    /** Whatever is cheapest (the caller sorts). */
    ANY("j.id");

    final String sql;

    Order(String sql) {
      this.sql = sql;
    }
  }

  static final String LIST_COLUMNS =
      """
      j.id, j.name, j.version, j.status, j.create_time, j.update_time, j.deployed_by, j.last_call_time,
      j.infrastructure_target, j.job_type_version
      """;

  /**
   * Days since deployment and since the last call (from whole epoch seconds, as the original), the
   * status and idleness points, and the score rounded to 3 decimals. Computed in double precision
   * ({@code date_part} of the time cut to the second is an exact whole number): NUMERIC arithmetic
   * on every row (what {@code EXTRACT} returns) took most of a 10,000-job page's time.
   */
  static final String SCORE =
      """
      , d.updated_days, d.call_days, j.newer_versions,
        ROUND(CAST(CASE j.status WHEN 'lost' THEN 50 WHEN 'error' THEN 20 ELSE 0 END
          + CASE WHEN d.updated_days < 1 THEN 0 WHEN d.call_days IS NULL THEN 10
                 WHEN d.call_days > 1 THEN 10 * LEAST(1, d.call_days / 30) ELSE 0 END
          + 5 * LEAST(1, j.newer_versions / 5.0E0) AS NUMERIC), 3) AS purge_score
      FROM registry_job j
      CROSS JOIN LATERAL (SELECT
        (:now - DATE_PART('epoch', DATE_TRUNC('second', j.update_time))) / 86400.0E0 AS updated_days,
        CASE WHEN j.last_call_time IS NULL OR j.last_call_time < TIMESTAMPTZ '1970-01-01 00:00:01+00'
          THEN NULL
          ELSE (:now - DATE_PART('epoch', DATE_TRUNC('second', j.last_call_time))) / 86400.0E0
        END AS call_days) d
      """;

  static final String READABLE_BY =
      """
      EXISTS (SELECT 1 FROM registry_authresourcepermission p
        WHERE p.auth_subject_id = :subject AND p.scope IN ('read_job', 'full_access')
          AND p.endpoint IS NULL
          AND (p.job_id = j.id OR (p.job_id IS NULL AND p.job_family_id = j.family_id)))
      """;

  private static final int FETCH_SIZE = 500;

  /**
   * The list columns of every job with its score, its version's sort key and the number a page
   * sorts by ({@code :now} is the instant scored at): the rows a page query filters, sorts and
   * cuts. {@code :reader} is empty or the restriction to what a subject may read.
   */
  private static final String PAGE_ROWS =
      "SELECT " + LIST_COLUMNS + ", j.version_key" + SCORE + " WHERE TRUE";

  /** The order of every page: its sort's number and text, then name, then newest version. */
  private static final String PAGE_ORDER =
      "sort_n, sort_t COLLATE \"C\", name COLLATE \"C\", version_key COLLATE \"C\" DESC,"
          + " version COLLATE \"C\" DESC";

  /** Rows strictly after the cursor's row in {@link #PAGE_ORDER}. */
  private static final String AFTER_CURSOR =
      """
      (sort_n > :after_n OR (sort_n = :after_n AND (sort_t COLLATE "C" > :after_t
        OR (sort_t = :after_t AND (name COLLATE "C" > :after_name
          OR (name = :after_name AND (version_key COLLATE "C" < racetrack_version_key(:after_v)
            OR (version_key = racetrack_version_key(:after_v)
              AND version COLLATE "C" < :after_v))))))))
      """;

  /**
   * A page to read: the rows of {@code readerSubject} (all when empty) scored at {@code now}, kept
   * by {@code where} (SQL over the page row columns, with its bind values), sorted by the SQL
   * expressions {@code sortNumber} and {@code sortText}, then name and newest version, after the
   * row {@code after}.
   *
   * @param statementTimeout a limit for the queries (a regular expression filter); zero for none
   */
  public record PageQuery(
      Optional<String> readerSubject,
      long now,
      String where,
      Map<String, Object> binds,
      String sortNumber,
      String sortText,
      Optional<PageRow> after,
      int limit,
      Duration statementTimeout) {
    public PageQuery {
      binds = Map.copyOf(binds);
    }
  }

  /** A row of a page: its id and its place in the page order. */
  public record PageRow(
      String id, double sortNumber, String sortText, String name, String version) {}

  /**
   * A page as PostgreSQL cut it.
   *
   * @param rows up to {@code limit + 1} rows (one more tells that there is a next page)
   * @param total how many rows the filter keeps
   */
  public record PageRows(List<PageRow> rows, long total) {}

  /** Thrown when the statement timeout of a {@link PageQuery} ran out. */
  public static final class PageTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PageTimeoutException(Throwable cause) {
      super("the page query ran out of its time", cause);
    }
  }

  /**
   * Reads a page: filtered, counted, sorted and cut in SQL. Empty when PostgreSQL refused a regular
   * expression of the filter (its dialect differs from Java's): the caller filters in Java then.
   *
   * @throws PageTimeoutException when the statement timeout ran out
   */
  public Optional<PageRows> page(PageQuery q) {
    String filtered =
        "SELECT s.*, "
            + q.sortNumber()
            + " AS sort_n, "
            + q.sortText()
            + " AS sort_t FROM ("
            + PAGE_ROWS
            + (q.readerSubject().isPresent() ? " AND " + READABLE_BY : "")
            + ") s WHERE "
            + q.where();
    String pageSql =
        "SELECT id, sort_n, sort_t, name, version, total FROM (SELECT f.*, count(*) OVER () AS total"
            + " FROM ("
            + filtered
            + ") f) w"
            + (q.after().isPresent() ? " WHERE " + AFTER_CURSOR : "")
            + " ORDER BY "
            + PAGE_ORDER
            + " LIMIT :limit";
    try {
      return Optional.of(
          jdbi.inTransaction(
              h -> {
                if (!q.statementTimeout().isZero()) {
                  h.execute("SET LOCAL statement_timeout = " + q.statementTimeout().toMillis());
                }
                long[] total = {-1};
                var query = bindPage(h.createQuery(pageSql), q).bind("limit", q.limit() + 1);
                q.after()
                    .ifPresent(
                        a ->
                            query
                                .bind("after_n", a.sortNumber())
                                .bind("after_t", a.sortText())
                                .bind("after_name", a.name())
                                .bind("after_v", a.version()));
                List<PageRow> rows =
                    query
                        .map(
                            (rs, ctx) -> {
                              total[0] = rs.getLong("total");
                              return new PageRow(
                                  rs.getString("id"),
                                  rs.getDouble("sort_n"),
                                  rs.getString("sort_t"),
                                  rs.getString("name"),
                                  rs.getString("version"));
                            })
                        .list();
                if (total[0] < 0) { // an empty page: count on its own
                  total[0] =
                      bindPage(h.createQuery("SELECT count(*) FROM (" + filtered + ") f"), q)
                          .mapTo(Long.class)
                          .one();
                }
                return new PageRows(rows, total[0]);
              }));
    } catch (JdbiException e) {
      String state =
          e.getCause() instanceof SQLException sql ? Objects.toString(sql.getSQLState(), "") : "";
      if (state.equals("57014")) {
        throw new PageTimeoutException(e);
      }
      if (state.equals("2201B")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Query bindPage(Query query, PageQuery q) {
    query.bind("now", q.now());
    q.readerSubject().ifPresent(subject -> query.bind("subject", subject));
    q.binds().forEach(query::bind);
    return query;
  }

  private final Jdbi jdbi;
  private final JobRepository jobs;

  public JobScoreRepository(Jdbi jdbi, JobRepository jobs) {
    this.jdbi = jdbi;
    this.jobs = jobs;
  }

  /** Which rows to read and how. */
  public record Scan(
      Optional<String> readerSubject,
      long now,
      boolean whole,
      Order order,
      Optional<String> family) {}

  /**
   * Streams the jobs a reader may read (all of them when {@code readerSubject} is empty) with their
   * score at {@code now} (epoch seconds), in the given order.
   *
   * @param scan {@code whole} reads every column, otherwise only the list columns; {@code family}
   *     keeps only that family's versions
   */
  public void forEach(Scan scan, Consumer<ScoredJob> each) {
    String sql =
        "SELECT "
            + (scan.whole() ? JobRepository.COLUMNS : LIST_COLUMNS)
            + SCORE
            + " WHERE TRUE"
            + (scan.readerSubject().isPresent() ? " AND " + READABLE_BY : "")
            + (scan.family().isPresent() ? " AND j.name = :family" : "")
            + " ORDER BY "
            + scan.order().sql;
    jdbi.useTransaction(
        h -> {
          var query = h.createQuery(sql).setFetchSize(FETCH_SIZE).bind("now", scan.now());
          scan.readerSubject().ifPresent(subject -> query.bind("subject", subject));
          scan.family().ifPresent(family -> query.bind("family", family));
          try (var rows = query.map((rs, ctx) -> scored(rs, scan.whole())).stream()) {
            rows.forEach(each);
          }
        });
  }

  /**
   * Streams the id, name, version and status of the jobs a reader may read (all when {@code
   * readerSubject} is empty), of one family or all, by family (name), then newest first: what the
   * permission graph shows of a job, nothing computed.
   */
  public void forEachByFamily(
      Optional<String> readerSubject, Optional<String> family, Consumer<Job> each) {
    String sql =
        "SELECT j.id, j.name, j.version, j.status FROM registry_job j WHERE TRUE"
            + (readerSubject.isPresent() ? " AND " + READABLE_BY : "")
            + (family.isPresent() ? " AND j.name = :family" : "")
            + " ORDER BY "
            + Order.FAMILY.sql;
    jdbi.useTransaction(
        h -> {
          var query = h.createQuery(sql).setFetchSize(FETCH_SIZE * 4);
          readerSubject.ifPresent(subject -> query.bind("subject", subject));
          family.ifPresent(f -> query.bind("family", f));
          try (var rows =
              query
                  .map(
                      (rs, ctx) ->
                          new Job(
                              rs.getString("id"),
                              rs.getString("name"),
                              rs.getString("version"),
                              JobStatus.fromWire(rs.getString("status")),
                              0,
                              0,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              List.of(),
                              null,
                              Map.of()))
                  .stream()) {
            rows.forEach(each);
          }
        });
  }

  /** The whole rows of these jobs, scored at {@code now}, in the order of {@code ids}. */
  public List<ScoredJob> byIds(List<String> ids, long now) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, ScoredJob> found = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery("SELECT " + JobRepository.COLUMNS + SCORE + " WHERE j.id IN (<ids>)")
                .bindList("ids", ids)
                .bind("now", now)
                .map((rs, ctx) -> scored(rs, true))
                .forEach(s -> found.put(s.job().id(), s)));
    List<ScoredJob> inOrder = new ArrayList<>();
    for (String id : ids) {
      ScoredJob job = found.get(id);
      if (job != null) {
        inOrder.add(job);
      }
    }
    return inOrder;
  }

  /** Recomputes every family's newer-version counts; returns how many rows changed. */
  public int refreshNewerVersions() {
    return jdbi.inTransaction(h -> NewerVersions.refresh(h, Optional.empty()));
  }

  private ScoredJob scored(ResultSet rs, boolean whole) throws SQLException {
    return scored(rs, whole ? jobs.job(rs) : listJob(rs));
  }

  /** The score columns of a row read with {@link #SCORE}, around the job read from it. */
  static ScoredJob scored(ResultSet rs, Job job) throws SQLException {
    double callDays = rs.getDouble("call_days");
    boolean neverCalled = rs.wasNull();
    return new ScoredJob(
        job,
        rs.getBigDecimal("purge_score").doubleValue(),
        rs.getInt("newer_versions"),
        rs.getDouble("updated_days"),
        neverCalled ? Optional.empty() : Optional.of(callDays));
  }

  static Job listJob(ResultSet rs) throws SQLException {
    Timestamp lastCall = rs.getTimestamp("last_call_time");
    return new Job(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("version"),
        JobStatus.fromWire(rs.getString("status")),
        rs.getTimestamp("create_time").toInstant().getEpochSecond(),
        rs.getTimestamp("update_time").toInstant().getEpochSecond(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        rs.getString("deployed_by"),
        lastCall == null ? null : lastCall.toInstant().getEpochSecond(),
        rs.getString("infrastructure_target"),
        List.of(),
        rs.getString("job_type_version"),
        Map.of());
  }
}
