package dev.racetrack.lifecycle.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A token row with its subject.
 *
 * @param subjectKey what the token's payload must name: username, ESC id or family name
 * @param displayName username, ESC name or family name
 * @param ownerActive false for a deactivated user account
 */
public record StoredToken(
    String id,
    String authSubjectId,
    SubjectType type,
    String subjectKey,
    String displayName,
    boolean ownerActive,
    boolean active,
    Optional<Instant> expiryTime,
    Optional<Instant> lastUseTime) {
  public StoredToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(authSubjectId, "authSubjectId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(expiryTime, "expiryTime");
    Objects.requireNonNull(lastUseTime, "lastUseTime");
  }
}
