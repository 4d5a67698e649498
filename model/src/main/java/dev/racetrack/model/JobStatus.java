package dev.racetrack.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.racetrack.model.error.ValidationException;
import java.util.Locale;

/** Status of a job as seen by the registry (§2.4). */
public enum JobStatus {
  /** Created, not yet ready. */
  STARTING,
  /** Alive and ready. */
  RUNNING,
  /** Found on its infrastructure but failing. */
  ERROR,
  /** Present on the infrastructure, unknown to the registry (reported, never stored). */
  ORPHANED,
  /** Expected but not found on its infrastructure. */
  LOST;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static JobStatus fromWire(String value) {
    for (JobStatus status : values()) {
      if (status.wireName().equals(value)) {
        return status;
      }
    }
    throw new ValidationException("unknown job status: " + value);
  }
}
