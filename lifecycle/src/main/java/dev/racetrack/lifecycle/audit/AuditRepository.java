package dev.racetrack.lifecycle.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads the audit log, newest first (then by id, descending), with filters and paging. Every filter
 * that exists (a job family, a job version, a user as executor or subject) has an index ordered by
 * (timestamp, id), so a page by cursor reads only its rows, however deep it is.
 */
public final class AuditRepository {
  private static final String COLUMNS =
      """
      id, version, timestamp, event_type, properties, username_executor, username_subject, job_name,
      job_version
      """;
  private static final String ORDER = " ORDER BY timestamp DESC, id DESC";

  /** A page of events and where the next one starts (empty on the last page). */
  public record Page(List<AuditEvent> events, Optional<AuditCursor> next) {}

  private record Row(AuditEvent event, AuditCursor position) {}

  private final Jdbi jdbi;
  private final Clock clock;

  public AuditRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public List<AuditEvent> list(AuditQuery query) {
    return page(query).events();
  }

  public Page page(AuditQuery query) {
    Instant now = clock.instant();
    List<Row> rows =
        jdbi.withHandle(
            h -> {
              Query q = h.createQuery(sql(query));
              query.jobName().ifPresent(v -> q.bind("name", v));
              query.jobVersion().ifPresent(v -> q.bind("version", v));
              query
                  .relatedTo()
                  .ifPresent(
                      v -> q.bind("user", v).bind("inner", query.offset() + query.limit() + 1));
              query
                  .reader()
                  .ifPresent(
                      r -> q.bind("subject", r.authSubjectId()).bind("reader", r.username()));
              query
                  .cursor()
                  .ifPresent(
                      c ->
                          q.bind("after_time", Timestamp.from(c.timestamp()))
                              .bind("after_id", c.id()));
              return q.bind("offset", query.offset())
                  .bind("limit", query.limit() + 1)
                  .map((rs, ctx) -> row(rs, now))
                  .list();
            });
    List<Row> page = rows.subList(0, Math.min(query.limit(), rows.size()));
    return new Page(
        page.stream().map(Row::event).toList(),
        rows.size() > query.limit() ? Optional.of(page.getLast().position()) : Optional.empty());
  }

  /**
   * The query: a keyset condition instead of OFFSET when a cursor is given; "related to a user" as
   * two index scans (executor, subject) merged, rather than one scan filtering either.
   */
  private static String sql(AuditQuery query) {
    List<String> where = new ArrayList<>();
    query.jobName().ifPresent(v -> where.add("job_name = :name"));
    query.jobVersion().ifPresent(v -> where.add("job_version = :version"));
    query.cursor().ifPresent(c -> where.add("(timestamp, id) < (:after_time, :after_id)"));
    query
        .reader()
        .ifPresent(
            r ->
                where.add(
                    "(username_executor = :reader OR username_subject = :reader OR (job_name IS NOT NULL AND "
                        + PermissionRepository.readableJobCondition(
                            "job_name", "COALESCE(job_version, '')")
                        + "))"));
    if (query.relatedTo().isEmpty() && query.offset() > 0) {
      // The skipped events are counted on the (timestamp, id) index alone (an index-only scan
      // once the table is vacuumed); only the page's rows are read.
      return "SELECT "
          + COLUMNS
          + " FROM registry_auditlogevent WHERE id IN (SELECT id FROM registry_auditlogevent"
          + whereClause(where)
          + ORDER
          + " OFFSET :offset LIMIT :limit)"
          + ORDER;
    }
    if (query.relatedTo().isEmpty()) {
      return "SELECT "
          + COLUMNS
          + " FROM registry_auditlogevent"
          + whereClause(where)
          + ORDER
          + " OFFSET :offset LIMIT :limit";
    }
    List<String> asExecutor = new ArrayList<>(where);
    asExecutor.add("username_executor = :user");
    List<String> asSubject = new ArrayList<>(where);
    asSubject.add("username_subject = :user");
    asSubject.add("username_executor IS DISTINCT FROM :user");
    return "SELECT * FROM ((SELECT "
        + COLUMNS
        + " FROM registry_auditlogevent"
        + whereClause(asExecutor)
        + ORDER
        + " LIMIT :inner) UNION ALL (SELECT "
        + COLUMNS
        + " FROM registry_auditlogevent"
        + whereClause(asSubject)
        + ORDER
        + " LIMIT :inner)) AS related"
        + ORDER
        + " OFFSET :offset LIMIT :limit";
  }

  private static String whereClause(List<String> conditions) {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  private static Row row(ResultSet rs, Instant now) throws SQLException {
    Map<String, Object> properties = properties(rs.getString("properties"));
    Instant at = rs.getTimestamp("timestamp").toInstant();
    String type = rs.getString("event_type");
    AuditEvent event =
        new AuditEvent(
            rs.getString("id"),
            rs.getInt("version"),
            at.getEpochSecond(),
            type,
            properties,
            rs.getString("username_executor"),
            rs.getString("username_subject"),
            rs.getString("job_name"),
            rs.getString("job_version"),
            AuditExplanations.explain(
                type,
                rs.getString("username_executor"),
                rs.getString("username_subject"),
                rs.getString("job_name"),
                rs.getString("job_version"),
                properties),
            AuditExplanations.timeAgo(at, now));
    return new Row(event, new AuditCursor(at, event.id()));
  }

  private static Map<String, Object> properties(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return Json.mapper().readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      return Map.of("unreadable", json);
    }
  }
}
