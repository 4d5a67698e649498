package dev.racetrack.lifecycle.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a token says (§4.1): a unique seed, the subject (username, ESC id, family name or service),
 * its type, scopes for internal tokens (absent for database-backed tokens) and, for internal
 * tokens, when it expires ({@code exp}).
 */
public record TokenPayload(
    String seed,
    String subject,
    SubjectType subjectType,
    Optional<List<String>> scopes,
    Optional<Instant> expiry) {
  public TokenPayload {
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectType, "subjectType");
    Objects.requireNonNull(expiry, "expiry");
    scopes = scopes.map(List::copyOf);
  }

  /** A payload without expiry: the original's format, used by every stored token. */
  public TokenPayload(
      String seed, String subject, SubjectType subjectType, Optional<List<String>> scopes) {
    this(seed, subject, subjectType, scopes, Optional.empty());
  }
}
