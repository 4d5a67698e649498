package dev.racetrack.lifecycle.audit;

import dev.racetrack.model.error.ValidationException;
import java.util.Optional;

/**
 * Which events to list.
 *
 * @param relatedTo only events this user did or that affected this user
 * @param offset how many of the newest matching events to skip (paging)
 */
public record AuditQuery(
    Optional<String> jobName,
    Optional<String> jobVersion,
    Optional<String> relatedTo,
    int offset,
    int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    if (offset < 0) {
      throw new ValidationException("offset must be >= 0");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit must be between 1 and " + MAX_LIMIT);
    }
  }
}
