package dev.racetrack.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.racetrack.model.error.ValidationException;
import java.util.Locale;

/** Status of one deployment attempt (§2.4). */
public enum DeploymentStatus {
  IN_PROGRESS,
  DONE,
  FAILED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DeploymentStatus fromWire(String value) {
    for (DeploymentStatus status : values()) {
      if (status.wireName().equals(value)) {
        return status;
      }
    }
    throw new ValidationException("unknown deployment status: " + value);
  }
}
