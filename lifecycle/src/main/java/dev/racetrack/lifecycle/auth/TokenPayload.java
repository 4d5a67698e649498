package dev.racetrack.lifecycle.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a token says (§4.1): a unique seed, the subject (username, ESC id, family name or service),
 * its type, and scopes for internal tokens (absent for database-backed tokens).
 */
public record TokenPayload(
    String seed, String subject, SubjectType subjectType, Optional<List<String>> scopes) {
  public TokenPayload {
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectType, "subjectType");
    scopes = scopes.map(List::copyOf);
  }
}
