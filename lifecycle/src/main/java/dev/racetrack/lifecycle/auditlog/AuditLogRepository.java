package dev.racetrack.lifecycle.auditlog;

import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code registry_auditlogevent} writes: one row per event, in the caller's transaction.
 * The read side (queries and filters) is {@code audit.AuditRepository}.
 */
final class AuditLogRepository {

  /** Inserts one event row. */
  void insert(Handle h, AuditLog.Entry entry) {
    h.createUpdate(
            """
            INSERT INTO registry_auditlogevent (id, version, timestamp, event_type, properties, username_executor,
              username_subject, job_name, job_version)
            VALUES (:id, 1, now(), :type, :properties, :executor, :subject, :name, :version)
            """)
        .bind("id", entry.id())
        .bind("type", entry.eventType())
        .bind("properties", entry.propertiesJson().orElse(null))
        .bind("executor", entry.executor())
        .bind("subject", entry.subject().orElse(null))
        .bind("name", entry.jobName().orElse(null))
        .bind("version", entry.jobVersion().orElse(null))
        .execute();
  }
}
