package dev.racetrack.lifecycle.audit;

import dev.racetrack.lifecycle.database.TimeIdCursor;
import dev.racetrack.model.error.ValidationException;
import java.util.Optional;

/**
 * Which events to list.
 *
 * @param relatedTo only events this user did or that affected this user
 * @param offset how many of the newest matching events to skip (the old way of paging; the index is
 *     still walked over the skipped events, so deep offsets cost more than a cursor)
 * @param cursor where the previous page ended (keyset paging); excludes {@code offset}
 * @param reader when present, only events this reader may see: those it did or that affected it,
 *     and those of jobs it may read; absent for callers who read everything
 */
public record AuditQuery(
    Optional<String> jobName,
    Optional<String> jobVersion,
    Optional<String> relatedTo,
    int offset,
    int limit,
    Optional<TimeIdCursor> cursor,
    Optional<Reader> reader) {

  /** A caller limited to what it may read: its auth subject and its username. */
  public record Reader(String authSubjectId, String username) {}

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    if (offset < 0) {
      throw new ValidationException("offset must be >= 0");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit must be between 1 and " + MAX_LIMIT);
    }
    if (offset > 0 && cursor.isPresent()) {
      throw new ValidationException("give either offset or cursor, not both");
    }
  }
}
