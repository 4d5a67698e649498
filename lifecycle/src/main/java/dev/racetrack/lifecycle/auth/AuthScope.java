package dev.racetrack.lifecycle.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.racetrack.model.error.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/** Permission scopes (§4.4). */
public enum AuthScope {
  READ_JOB,
  DEPLOY_JOB,
  DEPLOY_NEW_FAMILY,
  DELETE_JOB,
  CALL_JOB,
  CALL_ADMIN_API,
  FULL_ACCESS;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static AuthScope fromWire(String value) {
    for (AuthScope scope : values()) {
      if (scope.wireName().equals(value)) {
        return scope;
      }
    }
    throw new ValidationException(
        "unknown scope '"
            + value
            + "'; known scopes: "
            + Arrays.stream(values()).map(AuthScope::wireName).toList());
  }
}
