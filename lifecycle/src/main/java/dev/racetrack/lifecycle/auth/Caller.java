package dev.racetrack.lifecycle.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An authenticated caller of the API.
 *
 * @param type the kind of subject
 * @param subject username, ESC id, job family name or internal service name
 * @param displayName human name: username, ESC name, family name or service
 * @param authSubjectId the subject's row (absent for internal tokens)
 * @param internalScopes scopes an internal token carries
 */
public record Caller(
    SubjectType type,
    String subject,
    String displayName,
    Optional<String> authSubjectId,
    List<String> internalScopes) {

  public Caller {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(authSubjectId, "authSubjectId");
    internalScopes = List.copyOf(internalScopes);
  }

  public boolean isInternal() {
    return type == SubjectType.INTERNAL;
  }

  /** How error messages name this subject, e.g. {@code User: admin}, {@code Job Family: adder}. */
  public String describe() {
    return switch (type) {
      case USER -> "User: " + displayName;
      case ESC -> "ESC: " + displayName;
      case JOB_FAMILY -> "Job Family: " + displayName;
      case INTERNAL -> "Internal: " + displayName;
    };
  }

  /** The caller name forwarded to jobs ({@code X-Caller-Name}); none for internal calls. */
  public Optional<String> callerName() {
    return switch (type) {
      case USER -> Optional.of("User " + displayName);
      case ESC -> Optional.of("ESC " + displayName);
      case JOB_FAMILY -> Optional.of("Job family " + displayName);
      case INTERNAL -> Optional.empty();
    };
  }

  /** The username recorded in audit events and as deployer. */
  public String username() {
    return type == SubjectType.USER ? subject : describe();
  }
}
