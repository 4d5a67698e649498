package dev.racetrack.lifecycle.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.database.TimeIdCursor;
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
import org.jdbi.v3.core.Handle;
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
  public record Page(List<AuditEvent> events, Optional<TimeIdCursor> next) {}

  private record Row(AuditEvent event, TimeIdCursor position) {}

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
        jdbi.withHandle(h -> query(h, "", query).map((rs, ctx) -> row(rs, now)).list());
    List<Row> page = rows.subList(0, Math.min(query.limit(), rows.size()));
    return new Page(
        page.stream().map(Row::event).toList(),
        rows.size() > query.limit() ? Optional.of(page.getLast().position()) : Optional.empty());
  }

  /**
   * How PostgreSQL runs a page's query: its {@code EXPLAIN (ANALYZE, FORMAT JSON)}, with the rows
   * every node read (for tests and diagnosis).
   */
  public String plan(AuditQuery query) {
    return jdbi.withHandle(
        h ->
            String.join(
                "\n",
                query(h, "EXPLAIN (ANALYZE, FORMAT JSON) ", query).mapTo(String.class).list()));
  }

  private static Query query(Handle h, String prefix, AuditQuery query) {
    Query q = h.createQuery(prefix + sql(query));
    query.jobName().ifPresent(v -> q.bind("name", v));
    query.jobVersion().ifPresent(v -> q.bind("version", v));
    query.relatedTo().ifPresent(v -> q.bind("user", v));
    if (query.relatedTo().isPresent() || byVisibility(query)) {
      q.bind("inner", query.offset() + query.limit() + 1);
    }
    query
        .reader()
        .ifPresent(r -> q.bind("subject", r.authSubjectId()).bind("reader", r.username()));
    query
        .cursor()
        .ifPresent(
            c -> q.bind("after_time", Timestamp.from(c.timestamp())).bind("after_id", c.id()));
    return q.bind("offset", query.offset()).bind("limit", query.limit() + 1);
  }

  /**
   * The query: a keyset condition instead of OFFSET when a cursor is given; "related to a user" as
   * two index scans (executor, subject) merged, rather than one scan filtering either.
   */
  private static String sql(AuditQuery query) {
    if (byVisibility(query)) {
      return visibleToReader(query.cursor().isPresent());
    }
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

  /**
   * Whether a reader's page is read as the union of what makes an event visible (see {@link
   * #visibleToReader}) rather than by filtering the whole log: for the log's pages by cursor with
   * no other filter (those have their own index; an {@code offset} walks the log anyway).
   */
  private static boolean byVisibility(AuditQuery query) {
    return query.reader().isPresent()
        && query.relatedTo().isEmpty()
        && query.jobName().isEmpty()
        && query.jobVersion().isEmpty()
        && query.offset() == 0;
  }

  private static final String GRANTS =
      "rp.auth_subject_id = :subject AND rp.scope IN ('read_job', 'full_access')"
          + " AND rp.endpoint IS NULL";

  /**
   * The newest events a reader may see (the same rows as {@link
   * PermissionRepository#readableJobCondition} plus the reader's own), as the union of one index
   * scan per reason, each cut at the page's size: the events the reader did, those that affected
   * the reader, every job's (a global read grant: an uncorrelated condition, so PostgreSQL skips
   * that scan without one), and per family or job version granted, that family's or version's. A
   * reader of one family among thousands reads that family's index, instead of walking the whole
   * log for its rare events.
   */
  private static String visibleToReader(boolean cursor) {
    String after = cursor ? " AND (timestamp, id) < (:after_time, :after_id)" : "";
    String cut = after + ORDER + " LIMIT :inner";
    // Each reason is a LATERAL scan under what grants it, so a reason the reader lacks (a global
    // grant, any family) costs no scan; the page's rows are then read by id, one by one (LIMIT 1
    // keeps PostgreSQL from turning that into a join, which may scan the whole log).
    return "SELECT e.* FROM (SELECT timestamp, id FROM ("
        + "(SELECT timestamp, id FROM registry_auditlogevent WHERE username_executor = :reader"
        + cut
        + ") UNION (SELECT timestamp, id FROM registry_auditlogevent"
        + " WHERE username_subject = :reader"
        + cut
        + ") UNION (SELECT a.timestamp, a.id FROM (SELECT 1 FROM registry_authresourcepermission rp"
        + " WHERE "
        + GRANTS
        + " AND rp.job_family_id IS NULL AND rp.job_id IS NULL LIMIT 1) g CROSS JOIN LATERAL"
        + " (SELECT timestamp, id FROM registry_auditlogevent WHERE job_name IS NOT NULL"
        + cut
        + ") a) UNION (SELECT a.timestamp, a.id FROM (SELECT DISTINCT rf.name"
        + " FROM registry_authresourcepermission rp"
        + " JOIN registry_jobfamily rf ON rf.id = rp.job_family_id WHERE "
        + GRANTS
        + " AND rp.job_id IS NULL) f CROSS JOIN LATERAL (SELECT timestamp, id"
        + " FROM registry_auditlogevent WHERE job_name = f.name"
        + cut
        + ") a) UNION (SELECT a.timestamp, a.id FROM (SELECT DISTINCT rj.name, rj.version"
        + " FROM registry_authresourcepermission rp JOIN registry_job rj ON rj.id = rp.job_id"
        + " LEFT JOIN registry_jobfamily rf ON rf.id = rp.job_family_id WHERE "
        + GRANTS
        + " AND (rp.job_family_id IS NULL OR rf.name = rj.name)) v CROSS JOIN LATERAL"
        + " (SELECT timestamp, id FROM registry_auditlogevent"
        + " WHERE job_name = v.name AND job_version = v.version"
        + cut
        + ") a)) AS visible"
        + ORDER
        + " OFFSET :offset LIMIT :limit) p CROSS JOIN LATERAL (SELECT "
        + COLUMNS
        + " FROM registry_auditlogevent WHERE id = p.id LIMIT 1) e"
        + " ORDER BY e.timestamp DESC, e.id DESC";
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
    return new Row(event, new TimeIdCursor(at, event.id()));
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
