package dev.racetrack.lifecycle.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.racetrack.model.error.UnauthorizedException;
import java.util.Locale;

/** Kind of identity a token belongs to (the token's {@code subject_type}). */
public enum SubjectType {
  USER,
  ESC,
  JOB_FAMILY,
  INTERNAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static SubjectType fromWire(String value) {
    for (SubjectType type : values()) {
      if (type.wireName().equals(value)) {
        return type;
      }
    }
    throw new UnauthorizedException("invalid JWT token: unknown subject type " + value);
  }
}
