package dev.racetrack.lifecycle.auditlog;

import dev.racetrack.model.Json;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Records audit events ({@code registry_auditlogevent}, §2.1). */
public final class AuditLog {
  private static final AuditLogRepository ROWS = new AuditLogRepository();

  /** One event as stored; {@code propertiesJson} is absent when it has no properties. */
  record Entry(
      String id,
      String eventType,
      String executor,
      Optional<String> subject,
      Optional<String> jobName,
      Optional<String> jobVersion,
      Optional<String> propertiesJson) {}

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
    ROWS.insert(
        h,
        new Entry(
            UUID.randomUUID().toString(),
            eventType,
            executor,
            subject,
            jobName,
            jobVersion,
            properties.isEmpty() ? Optional.empty() : Optional.of(Json.write(properties))));
  }
}
