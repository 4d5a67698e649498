package dev.racetrack.lifecycle.auditlog;

import dev.racetrack.model.Json;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Records audit events ({@code registry_auditlogevent}, §2.1). */
public final class AuditLog {

  /** Event types of §2.1. */
  public static final String JOB_DEPLOYED = "job_deployed";

  public static final String JOB_REDEPLOYED = "job_redeployed";
  public static final String JOB_DELETED = "job_deleted";
  public static final String JOB_MOVED = "job_moved";

  public static final String DEPLOYMENT_FAILED = "deployment_failed";
  public static final String PLUGIN_INSTALLED = "plugin_installed";
  public static final String PLUGIN_UNINSTALLED = "plugin_uninstalled";

  /**
   * Writes one event.
   *
   * @param executor who did it
   * @param subject whom it affected (the previous owner of a job), if anyone
   */
  public void record(
      Handle h,
      String eventType,
      String executor,
      Optional<String> subject,
      Optional<String> jobName,
      Optional<String> jobVersion,
      Map<String, Object> properties) {
    h.createUpdate(
            """
            INSERT INTO registry_auditlogevent (id, version, timestamp, event_type, properties, username_executor,
              username_subject, job_name, job_version)
            VALUES (:id, 1, now(), :type, :properties, :executor, :subject, :name, :version)
            """)
        .bind("id", UUID.randomUUID().toString())
        .bind("type", eventType)
        .bind("properties", properties.isEmpty() ? null : Json.write(properties))
        .bind("executor", executor)
        .bind("subject", subject.orElse(null))
        .bind("name", jobName.orElse(null))
        .bind("version", jobVersion.orElse(null))
        .execute();
  }
}
