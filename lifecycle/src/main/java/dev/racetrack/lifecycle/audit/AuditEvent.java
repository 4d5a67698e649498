package dev.racetrack.lifecycle.audit;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An audit log event as the API shows it ({@code AuditLogEventDto} + explanation + time ago). */
public record AuditEvent(
    String id,
    int version,
    long timestamp,
    String eventType,
    Map<String, Object> properties,
    @Nullable String usernameExecutor,
    @Nullable String usernameSubject,
    @Nullable String jobName,
    @Nullable String jobVersion,
    String explanation,
    String timeAgo) {
  public AuditEvent {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }
}
