package dev.racetrack.lifecycle.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Reads the audit log, newest first, with filters and paging. */
public final class AuditRepository {
  private final Jdbi jdbi;
  private final Clock clock;

  public AuditRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public List<AuditEvent> list(AuditQuery query) {
    Instant now = clock.instant();
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT id, version, timestamp, event_type, properties, username_executor, username_subject,
                      job_name, job_version
                    FROM registry_auditlogevent
                    WHERE (CAST(:name AS VARCHAR) IS NULL OR job_name = :name)
                      AND (CAST(:version AS VARCHAR) IS NULL OR job_version = :version)
                      AND (CAST(:user AS VARCHAR) IS NULL OR username_executor = :user OR username_subject = :user)
                      AND (CAST(:subject AS VARCHAR) IS NULL OR username_executor = :reader
                           OR username_subject = :reader
                           OR (job_name IS NOT NULL AND %s))
                    ORDER BY timestamp DESC, id
                    OFFSET :offset LIMIT :limit
                    """
                        .formatted(
                            PermissionRepository.readableJobCondition(
                                "job_name", "COALESCE(job_version, '')")))
                .bind("name", query.jobName().orElse(null))
                .bind("version", query.jobVersion().orElse(null))
                .bind("user", query.relatedTo().orElse(null))
                .bind("subject", query.reader().map(AuditQuery.Reader::authSubjectId).orElse(null))
                .bind("reader", query.reader().map(AuditQuery.Reader::username).orElse(null))
                .bind("offset", query.offset())
                .bind("limit", query.limit())
                .map(
                    (rs, ctx) -> {
                      Map<String, Object> properties = properties(rs.getString("properties"));
                      Instant at = rs.getTimestamp("timestamp").toInstant();
                      String type = rs.getString("event_type");
                      return new AuditEvent(
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
                    })
                .list());
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
