package dev.racetrack.lifecycle.job;

import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

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

    private final String sql;

    Order(String sql) {
      this.sql = sql;
    }
  }

  private static final String LIST_COLUMNS =
      """
      j.id, j.name, j.version, j.status, j.create_time, j.update_time, j.deployed_by, j.last_call_time,
      j.infrastructure_target, j.job_type_version
      """;

  /**
   * Days since deployment and since the last call (from whole epoch seconds, as the original), the
   * status and idleness points, and the score rounded to 3 decimals.
   */
  private static final String SCORE =
      """
      , d.updated_days, d.call_days, j.newer_versions,
        ROUND(CAST(CASE j.status WHEN 'lost' THEN 50 WHEN 'error' THEN 20 ELSE 0 END
          + CASE WHEN d.updated_days < 1 THEN 0 WHEN d.call_days IS NULL THEN 10
                 WHEN d.call_days > 1 THEN 10 * LEAST(1, d.call_days / 30) ELSE 0 END
          + 5 * LEAST(1, j.newer_versions / 5.0) AS NUMERIC), 3) AS purge_score
      FROM registry_job j
      CROSS JOIN LATERAL (SELECT
        CAST((:now - FLOOR(EXTRACT(EPOCH FROM j.update_time))) / 86400.0 AS DOUBLE PRECISION) AS updated_days,
        CASE WHEN j.last_call_time IS NULL OR EXTRACT(EPOCH FROM j.last_call_time) < 1 THEN NULL
          ELSE CAST((:now - FLOOR(EXTRACT(EPOCH FROM j.last_call_time))) / 86400.0 AS DOUBLE PRECISION)
        END AS call_days) d
      """;

  private static final String READABLE_BY =
      """
      EXISTS (SELECT 1 FROM registry_authresourcepermission p
        WHERE p.auth_subject_id = :subject AND p.scope IN ('read_job', 'full_access')
          AND p.endpoint IS NULL
          AND (p.job_id = j.id OR (p.job_id IS NULL AND p.job_family_id = j.family_id)))
      """;

  private static final int FETCH_SIZE = 500;

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
    double callDays = rs.getDouble("call_days");
    boolean neverCalled = rs.wasNull();
    return new ScoredJob(
        whole ? jobs.job(rs) : listJob(rs),
        rs.getBigDecimal("purge_score").doubleValue(),
        rs.getInt("newer_versions"),
        rs.getDouble("updated_days"),
        neverCalled ? Optional.empty() : Optional.of(callDays));
  }

  private static Job listJob(ResultSet rs) throws SQLException {
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
